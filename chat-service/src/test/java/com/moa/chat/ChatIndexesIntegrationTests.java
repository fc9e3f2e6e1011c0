package com.moa.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.mongodb.ConnectionString;
import com.moa.chat.users.ChatUsers;
import com.moa.platform.testing.TcpProxy;
import com.moa.platform.testing.TestMongo;
import com.moa.platform.testing.TestRabbit;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The indexes at startup: the previous release's two-field rooms-list indexes, which the
 * full-order ones replace, are dropped; running again changes nothing. MongoDB away at
 * startup does not stop the start; the indexes are created once it answers.
 */
class ChatIndexesIntegrationTests extends ChatIntegrationTestSupport {

	@Autowired
	ChatIndexes indexes;

	@Test
	void thePreviousReleasesRoomsListIndexesAreDroppedOnce() {
		this.mongo.indexOps("rooms")
			.createIndex(new Index().on("consumerId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC));
		this.mongo.indexOps("rooms")
			.createIndex(new Index().on("sellerId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC));
		assertThat(roomIndexes()).contains("consumerId_1_updatedAt_-1", "sellerId_1_updatedAt_-1");

		this.indexes.run(null);
		this.indexes.run(null);

		assertThat(roomIndexes())
			.contains("key_1", "consumerId_1_updatedAt_-1__id_-1", "sellerId_1_updatedAt_-1__id_-1", "lease.until_1")
			.doesNotContain("consumerId_1_updatedAt_-1", "sellerId_1_updatedAt_-1");
	}

	/** Two instances starting together both drop them: neither fails to start. */
	@Test
	void twoInstancesStartingTogetherBothStart() throws Exception {
		ExecutorService starts = Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 5; round++) {
				this.mongo.indexOps("rooms")
					.createIndex(new Index().on("consumerId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC));
				this.mongo.indexOps("rooms")
					.createIndex(new Index().on("sellerId", Sort.Direction.ASC).on("updatedAt", Sort.Direction.DESC));
				CyclicBarrier together = new CyclicBarrier(2);
				List<Future<?>> runs = new ArrayList<>();
				for (int i = 0; i < 2; i++) {
					runs.add(starts.submit(() -> {
						together.await();
						this.indexes.run(null);
						return null;
					}));
				}
				for (Future<?> run : runs) {
					run.get(30, TimeUnit.SECONDS);
				}
				assertThat(roomIndexes()).doesNotContain("consumerId_1_updatedAt_-1", "sellerId_1_updatedAt_-1");
			}
		}
		finally {
			starts.shutdown();
		}
	}

	/**
	 * An instance (re)started while MongoDB is away comes up and answers 503 like the
	 * others; once MongoDB answers, the first write creates the indexes before it writes
	 * (a minute before the background retry would).
	 */
	@Test
	void startsWithoutMongoAndCreatesTheIndexesOnceMongoAnswers() {
		ConnectionString database = TestMongo.createDatabase().getConnectionString();
		String[] hostAndPort = database.getHosts().get(0).split(":");
		try (TcpProxy proxy = new TcpProxy(hostAndPort[0], Integer.parseInt(hostAndPort[1]))) {
			proxy.cut();
			String uri = "mongodb://127.0.0.1:" + proxy.port() + "/" + database.getDatabase()
					+ "?directConnection=true";
			try (ConfigurableApplicationContext instance = startInstance(uri, TestRabbit.createVirtualHost(),
					"--moa.chat.mongo-timeout=1s")) {
				int port = portOf(instance);
				UUID consumer = UUID.randomUUID();
				UUID seller = UUID.randomUUID();
				assertThat(get(port, "/livez", null)).satisfies((live) -> {
					assertThat(live.status()).isEqualTo(200);
					assertThat(live.body()).contains("UP");
				});
				assertThat(List.of(get(port, "/api/chat/rooms", consumer),
						post(port, "/api/chat/rooms", consumer, Map.of("sellerId", seller))))
					.allSatisfy((refused) -> {
						assertThat(refused.status()).isEqualTo(503);
						assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
						assertThat(refused.body()).contains("service-unavailable");
					});

				proxy.restore();
				// As user.registered would, once the driver has found MongoDB again.
				ChatUsers users = instance.getBean(ChatUsers.class);
				await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
					users.store(seller, "SELLER", "판매자", 1);
					return true;
				});
				Response opened = post(port, "/api/chat/rooms", consumer, Map.of("sellerId", seller));
				assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
				MongoTemplate mongo = instance.getBean(MongoTemplate.class);
				assertThat(indexes(mongo, "rooms")).contains("key_1", "consumerId_1_updatedAt_-1__id_-1",
						"sellerId_1_updatedAt_-1__id_-1", "lease.until_1");
				assertThat(indexes(mongo, "messages")).contains("roomId_1_seq_1", "clientKey_1");
				assertThat(get(port, "/api/chat/rooms", consumer).json()).hasSize(1);
			}
		}
	}

	private List<String> roomIndexes() {
		return indexes(this.mongo, "rooms");
	}

	private static List<String> indexes(MongoTemplate mongo, String collection) {
		return mongo.indexOps(collection).getIndexInfo().stream().map(IndexInfo::getName).toList();
	}

}
