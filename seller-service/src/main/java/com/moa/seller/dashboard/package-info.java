/**
 * The seller dashboard: subscribers, recurring revenue, views and cancellations per
 * product, projected from payment-service's and lookup-service's events.
 */
package com.moa.seller.dashboard;
