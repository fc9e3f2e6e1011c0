/**
 * The event backbone shared by all services: the
 * {@link com.moa.platform.events.EventEnvelope}, the {@code moa.events} topology, a
 * transactional outbox with a relay that waits for publisher confirms, and an idempotent
 * inbox for consumers.
 */
package com.moa.platform.events;
