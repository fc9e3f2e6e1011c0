package com.moa.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.moa.platform.testing.LocalPorts;
import com.moa.platform.testing.TestMongo;
import com.moa.platform.testing.TestPostgres;
import com.moa.platform.testing.TestRabbit;
import com.moa.platform.testing.TestRedis;

import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * The services built so far, started once per test JVM from their packaged jars: each on
 * a fresh database of its own (PostgreSQL, or MongoDB for search and chat), all on one
 * RabbitMQ vhost (so events flow), lookup-service and the gateway on one leased Redis DB,
 * mail-service sending to a GreenMail in this JVM; two chat-service instances, one behind
 * each of two gateways.
 */
final class SystemUnderTest {

	static ServiceProcess auth;

	static ServiceProcess seller;

	static ServiceProcess lookup;

	static ServiceProcess payment;

	static ServiceProcess mail;

	static ServiceProcess search;

	/**
	 * The SMTP server mail-service sends to, in this JVM: tests read what it received.
	 */
	static GreenMail mailSink;

	static ServiceProcess gateway;

	static ServiceProcess chat;

	static ServiceProcess otherChat;

	/** Routes chat to {@link #otherChat}; every other route is down. */
	static ServiceProcess otherGateway;

	private SystemUnderTest() {
	}

	static synchronized void start() throws Exception {
		if (gateway != null) {
			return;
		}
		RabbitConnectionDetails rabbit = TestRabbit.createVirtualHost();
		DataRedisConnectionDetails.Standalone redis = TestRedis.leaseDatabase().getStandalone();
		int authPort = ServiceProcess.freePort();
		String authUrl = "http://127.0.0.1:" + authPort;
		String jwks = "--moa.security.jwk-set-uri=" + authUrl + "/api/auth/.well-known/jwks.json";
		auth = ServiceProcess.start("auth-service", authPort, storeArgs(rabbit));
		seller = ServiceProcess.start("seller-service", ServiceProcess.freePort(), with(storeArgs(rabbit), jwks));
		List<String> redisArgs = List.of("--spring.data.redis.host=" + redis.getHost(),
				"--spring.data.redis.port=" + redis.getPort(), "--spring.data.redis.database=" + redis.getDatabase());
		List<String> lookupArgs = new ArrayList<>(with(storeArgs(rabbit), jwks));
		lookupArgs.addAll(redisArgs);
		// Each applied event is logged, in its trace (CatalogThroughGatewaySystemTests).
		lookupArgs.add("--logging.level.com.moa.platform.events.EventInbox=DEBUG");
		lookup = ServiceProcess.start("lookup-service", ServiceProcess.freePort(), lookupArgs);
		payment = ServiceProcess.start("payment-service", ServiceProcess.freePort(), with(storeArgs(rabbit), jwks));
		mailSink = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
		mailSink.start();
		List<String> mailArgs = new ArrayList<>(with(storeArgs(rabbit), jwks));
		mailArgs.addAll(List.of("--spring.mail.host=127.0.0.1", "--spring.mail.port=" + mailSink.getSmtp().getPort(),
				"--moa.mail.sending.interval=50ms"));
		mail = ServiceProcess.start("mail-service", ServiceProcess.freePort(), mailArgs);
		RabbitConnectionDetails.Address broker = rabbit.getFirstAddress();
		search = ServiceProcess.start("search-service", ServiceProcess.freePort(),
				List.of("--spring.mongodb.uri=" + TestMongo.createDatabase().getConnectionString(),
						"--spring.rabbitmq.host=" + broker.host(), "--spring.rabbitmq.port=" + broker.port(),
						"--spring.rabbitmq.username=" + rabbit.getUsername(),
						"--spring.rabbitmq.password=" + rabbit.getPassword(),
						"--spring.rabbitmq.virtual-host=" + rabbit.getVirtualHost(), jwks));
		// Two chat-service instances on one database and vhost; each gateway routes to
		// one.
		List<String> chatArgs = List.of("--spring.mongodb.uri=" + TestMongo.createDatabase().getConnectionString(),
				"--spring.rabbitmq.host=" + broker.host(), "--spring.rabbitmq.port=" + broker.port(),
				"--spring.rabbitmq.username=" + rabbit.getUsername(),
				"--spring.rabbitmq.password=" + rabbit.getPassword(),
				"--spring.rabbitmq.virtual-host=" + rabbit.getVirtualHost(),
				"--moa.chat.stomp-port=" + TestRabbit.stomp().port(), jwks);
		chat = ServiceProcess.start("chat-service", ServiceProcess.freePort(), chatArgs);
		otherChat = ServiceProcess.start("chat-service", ServiceProcess.freePort(), chatArgs);
		String down = "http://127.0.0.1:" + LocalPorts.closed();
		List<String> gatewayArgs = new ArrayList<>(
				List.of("--MOA_AUTH_URL=" + authUrl, "--MOA_SELLER_URL=" + seller.baseUrl(),
						"--MOA_LOOKUP_URL=" + lookup.baseUrl(), "--MOA_PAYMENT_URL=" + payment.baseUrl(),
						"--MOA_SEARCH_URL=" + search.baseUrl(), "--MOA_CHAT_URL=" + chat.baseUrl(), jwks,
						// Every test logs in from 127.0.0.1: no per-IP credential limit
						// here.
						"--moa.gateway.rate-limit.auth.requests=1000"));
		gatewayArgs.addAll(redisArgs);
		gateway = ServiceProcess.start("gateway", ServiceProcess.freePort(), gatewayArgs);
		// A second entry point, as behind a load balancer: chat goes to the other
		// instance,
		// every other route points where nothing listens.
		List<String> otherGatewayArgs = new ArrayList<>(List.of("--MOA_AUTH_URL=" + down, "--MOA_SELLER_URL=" + down,
				"--MOA_LOOKUP_URL=" + down, "--MOA_PAYMENT_URL=" + down, "--MOA_SEARCH_URL=" + down,
				"--MOA_CHAT_URL=" + otherChat.baseUrl(), jwks));
		otherGatewayArgs.addAll(redisArgs);
		otherGateway = ServiceProcess.start("gateway", ServiceProcess.freePort(), otherGatewayArgs);
		Runtime.getRuntime().addShutdownHook(new Thread(SystemUnderTest::stopAll, "stop-system-under-test"));
		for (ServiceProcess service : List.of(auth, seller, lookup, payment, mail, search, chat, otherChat, gateway,
				otherGateway)) {
			service.awaitReady(Duration.ofSeconds(180));
		}
	}

	/** A fresh database of the service's own plus the shared broker vhost. */
	private static List<String> storeArgs(RabbitConnectionDetails rabbit) {
		JdbcConnectionDetails database = TestPostgres.createDatabase();
		RabbitConnectionDetails.Address address = rabbit.getFirstAddress();
		return List.of("--spring.datasource.url=" + database.getJdbcUrl(),
				"--spring.datasource.username=" + database.getUsername(),
				"--spring.datasource.password=" + database.getPassword(), "--spring.rabbitmq.host=" + address.host(),
				"--spring.rabbitmq.port=" + address.port(), "--spring.rabbitmq.username=" + rabbit.getUsername(),
				"--spring.rabbitmq.password=" + rabbit.getPassword(),
				"--spring.rabbitmq.virtual-host=" + rabbit.getVirtualHost());
	}

	private static List<String> with(List<String> args, String more) {
		List<String> all = new ArrayList<>(args);
		all.add(more);
		return all;
	}

	/** Stops all services at once: one after the other they outlast surefire's 30 s. */
	private static void stopAll() {
		List<ServiceProcess> running = Stream
			.of(otherGateway, gateway, otherChat, chat, search, mail, payment, lookup, seller, auth)
			.filter(Objects::nonNull)
			.toList();
		running.forEach(ServiceProcess::signalStop);
		for (ServiceProcess service : running) {
			try {
				service.stop();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
