package com.moa.chat;

import com.mongodb.ConnectionString;
import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestMongo;

import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The test context's MongoDB database behind a {@link TcpProxy} (cut it for an outage); a
 * second instance started by a test reaches the same database directly.
 */
@TestConfiguration(proxyBeanMethods = false)
class ChatTestInfrastructure {

	@Bean
	ConnectionString chatTestDatabase() {
		return TestMongo.createDatabase().getConnectionString();
	}

	@Bean(destroyMethod = "close")
	TcpProxy mongoProxy(ConnectionString chatTestDatabase) {
		String[] hostAndPort = chatTestDatabase.getHosts().get(0).split(":");
		return new TcpProxy(hostAndPort[0], Integer.parseInt(hostAndPort[1]));
	}

	@Bean
	MongoConnectionDetails testMongoConnectionDetails(TcpProxy mongoProxy, ConnectionString chatTestDatabase) {
		ConnectionString proxied = new ConnectionString("mongodb://127.0.0.1:" + mongoProxy.port() + "/"
				+ chatTestDatabase.getDatabase() + "?directConnection=true");
		return () -> proxied;
	}

}
