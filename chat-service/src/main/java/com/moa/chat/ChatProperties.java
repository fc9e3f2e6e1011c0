package com.moa.chat;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of chat-service ({@code moa.chat.*}).
 *
 * @param mongoTimeout how long a request waits for MongoDB before answering 503
 * @param roomLease how long a sender holds a room's send lease at most (a crashed holder
 * blocks the room this long)
 * @param roomWait how long a send waits for a busy room before answering 503
 * @param stompPort the port of RabbitMQ's STOMP plugin; the broker relay uses the host,
 * credentials and virtual host of {@code spring.rabbitmq.*}
 * @param frameLimit the largest inbound STOMP frame (a 2,000-character message with every
 * character JSON-escaped, 24,000 bytes, fits); Tomcat holds buffers of this size for
 * every open connection
 * @param framesPerSecond frames one connection may send per second (more closes it)
 * @param sendsInFlight SEND frames one connection may have waiting or being handled (more
 * closes it): what a client can pile up while MongoDB is slow
 * @param inboundThreads threads handling client frames (sends wait on MongoDB)
 * @param heartbeat the heart-beat between the broker relay and RabbitMQ (clients
 * negotiate theirs with the broker through the relay; API.md asks for 10 s)
 * @param roomsPerDay new rooms a consumer may open in 24 hours (any product id makes a
 * new room: without a bound one client could fill the store and the sellers' lists)
 * @param connectionsPerUser WebSocket connections one user may hold open on an instance
 * (phone, tablet, browser tabs)
 * @param connections WebSocket connections an instance holds open in all; each takes
 * about 100 KB of heap (Tomcat's buffers at the frame limit), so size it to the heap
 * @param connectDeadline how long after the upgrade a connection may go without a STOMP
 * CONNECT before it is closed (it holds a connection slot meanwhile)
 */
@Validated
@ConfigurationProperties("moa.chat")
public record ChatProperties(@DefaultValue("2s") Duration mongoTimeout, @DefaultValue("5s") Duration roomLease,
		@DefaultValue("3s") Duration roomWait, @DefaultValue("61613") int stompPort,
		@DefaultValue("32KB") DataSize frameLimit, @DefaultValue("20") @Min(1) int framesPerSecond,
		@DefaultValue("50") @Min(1) int sendsInFlight, @DefaultValue("32") @Min(1) int inboundThreads,
		@DefaultValue("10s") Duration heartbeat, @DefaultValue("50") @Min(1) int roomsPerDay,
		@DefaultValue("10") @Min(1) int connectionsPerUser, @DefaultValue("1500") @Min(1) int connections,
		@DefaultValue("10s") Duration connectDeadline) {

}
