/**
 * Real infrastructure for tests. A test imports the servers it needs
 * ({@code @Import(TestPostgres.class)}) and gets Spring Boot connection details for them:
 * Testcontainers where a Docker engine runs, the local servers (with a fresh database,
 * Redis DB and RabbitMQ vhost per test context) where it does not, and in-process MongoDB
 * (mongo-java-server) and SMTP (GreenMail) servers.
 */
package com.moa.platform.testing;
