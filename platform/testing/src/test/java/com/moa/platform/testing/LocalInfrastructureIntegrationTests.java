package com.moa.platform.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import com.icegreen.greenmail.util.GreenMail;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each kind of test server is real and each caller gets its own isolated space on it.
 * Runs in whichever mode this machine selects (local servers here, Testcontainers where
 * Docker runs).
 */
class LocalInfrastructureIntegrationTests {

	@Test
	void everyPostgresCallerGetsItsOwnEmptyDatabase() throws Exception {
		JdbcConnectionDetails first = TestPostgres.createDatabase();
		JdbcConnectionDetails second = TestPostgres.createDatabase();
		assertThat(first.getJdbcUrl()).isNotEqualTo(second.getJdbcUrl());
		try (Connection a = connect(first); Statement statement = a.createStatement()) {
			statement.execute("CREATE TABLE marker (id int)");
			statement.execute("INSERT INTO marker VALUES (1)");
		}
		try (Connection b = connect(second);
				Statement statement = b.createStatement();
				ResultSet tables = statement
					.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'marker'")) {
			tables.next();
			assertThat(tables.getInt(1)).isZero();
		}
	}

	@Test
	void everyRedisCallerGetsItsOwnFlushedDatabase() throws IOException {
		DataRedisConnectionDetails.Standalone first = TestRedis.leaseDatabase().getStandalone();
		DataRedisConnectionDetails.Standalone second = TestRedis.leaseDatabase().getStandalone();
		assertThat(first.getDatabase()).isNotEqualTo(second.getDatabase()).isPositive();
		try (RespClient redis = new RespClient(first.getHost(), first.getPort())) {
			redis.call("SELECT", String.valueOf(first.getDatabase()));
			assertThat(redis.call("DBSIZE")).isEqualTo("0");
			redis.call("SET", "marker", "1");
			redis.call("SELECT", String.valueOf(second.getDatabase()));
			assertThat(redis.call("GET", "marker")).isNull();
		}
	}

	@Test
	void everyRabbitCallerGetsItsOwnVirtualHost() throws Exception {
		RabbitConnectionDetails first = TestRabbit.createVirtualHost();
		RabbitConnectionDetails second = TestRabbit.createVirtualHost();
		assertThat(first.getVirtualHost()).isNotEqualTo(second.getVirtualHost());
		try (com.rabbitmq.client.Connection a = rabbit(first).newConnection();
				com.rabbitmq.client.Connection b = rabbit(second).newConnection()) {
			Channel channelA = a.createChannel();
			channelA.queueDeclare("probe", false, false, false, null);
			channelA.basicPublish("", "probe", null, "hello".getBytes());
			GetResponse received = null;
			for (int i = 0; i < 50 && received == null; i++) {
				received = channelA.basicGet("probe", true);
				Thread.sleep(20);
			}
			assertThat(received).isNotNull();
			assertThat(new String(received.getBody())).isEqualTo("hello");
			Channel channelB = b.createChannel();
			assertThat(queueExists(channelB, "probe")).isFalse();
		}
	}

	@Test
	void mongoCallersGetSeparateDatabasesOnAWireCompatibleServer() {
		MongoConnectionDetails first = TestMongo.createDatabase();
		MongoConnectionDetails second = TestMongo.createDatabase();
		assertThat(first.getConnectionString().getDatabase()).isNotEqualTo(second.getConnectionString().getDatabase());
		try (MongoClient client = MongoClients.create(first.getConnectionString())) {
			MongoCollection<Document> things = client.getDatabase(first.getConnectionString().getDatabase())
				.getCollection("things");
			things.insertOne(new Document("name", "키보드"));
			assertThat(things.find(new Document("name", "키보드")).first()).isNotNull();
			assertThat(client.getDatabase(second.getConnectionString().getDatabase())
				.getCollection("things")
				.countDocuments()).isZero();
		}
	}

	@Test
	void smtpServerReceivesRealMail() throws Exception {
		GreenMail greenMail = new TestSmtp().greenMail();
		try {
			Session session = Session.getInstance(new java.util.Properties());
			MimeMessage message = new MimeMessage(session);
			message.setFrom(new InternetAddress("noreply@moa.test"));
			message.setRecipient(Message.RecipientType.TO, new InternetAddress("user@moa.test"));
			message.setSubject("약관 변경 안내", "UTF-8");
			message.setText("hello");
			Transport transport = session.getTransport("smtp");
			transport.connect("127.0.0.1", greenMail.getSmtp().getPort(), null, null);
			transport.sendMessage(message, message.getAllRecipients());
			transport.close();
			assertThat(greenMail.waitForIncomingEmail(5000, 1)).isTrue();
			assertThat(greenMail.getReceivedMessages()[0].getSubject()).isEqualTo("약관 변경 안내");
		}
		finally {
			greenMail.stop();
		}
	}

	private static Connection connect(JdbcConnectionDetails details) throws Exception {
		return DriverManager.getConnection(details.getJdbcUrl(), details.getUsername(), details.getPassword());
	}

	private static ConnectionFactory rabbit(RabbitConnectionDetails details) {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(details.getFirstAddress().host());
		factory.setPort(details.getFirstAddress().port());
		factory.setUsername(details.getUsername());
		factory.setPassword(details.getPassword());
		factory.setVirtualHost(details.getVirtualHost());
		return factory;
	}

	private static boolean queueExists(Channel channel, String queue) {
		try {
			channel.queueDeclarePassive(queue);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
