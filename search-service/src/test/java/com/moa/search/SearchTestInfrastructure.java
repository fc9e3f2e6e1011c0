package com.moa.search;

import com.mongodb.ConnectionString;
import com.moa.platform.testing.MovableClock;
import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestMongo;

import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.data.mongodb.core.convert.MongoConverter;

/**
 * The test context's MongoDB database behind a {@link TcpProxy} (cut it for an outage), a
 * template that can fail one write between two ({@link FaultInjectingMongoTemplate}), and
 * a clock tests move.
 */
@TestConfiguration(proxyBeanMethods = false)
class SearchTestInfrastructure {

	@Bean
	@Primary
	MovableClock movableClock() {
		return new MovableClock();
	}

	/** The application's template, able to fail one write on purpose. */
	@Bean
	FaultInjectingMongoTemplate mongoTemplate(MongoDatabaseFactory factory, MongoConverter converter) {
		return new FaultInjectingMongoTemplate(factory, converter);
	}

	@Bean(destroyMethod = "close")
	TcpProxy mongoProxy() {
		ConnectionString server = TestMongo.createDatabase().getConnectionString();
		String[] hostAndPort = server.getHosts().get(0).split(":");
		return new TcpProxy(hostAndPort[0], Integer.parseInt(hostAndPort[1]));
	}

	@Bean
	MongoConnectionDetails testMongoConnectionDetails(TcpProxy mongoProxy) {
		String database = TestMongo.createDatabase().getConnectionString().getDatabase();
		ConnectionString proxied = new ConnectionString(
				"mongodb://127.0.0.1:" + mongoProxy.port() + "/" + database + "?directConnection=true");
		return () -> proxied;
	}

}
