package com.moa.tools.mongo;

import java.nio.file.Path;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The local server keeps what it was given across a restart, unique indexes included,
 * over the real MongoDB driver.
 */
class MongoWireServerTests {

	@TempDir
	Path data;

	@Test
	void documentsAndUniqueIndexesSurviveARestart() throws Exception {
		Path file = this.data.resolve("mongo/moa.mv.db");
		try (MongoWireServer server = MongoWireServer.start("127.0.0.1", 0, file);
				MongoClient client = client(server)) {
			MongoCollection<Document> history = client.getDatabase("moa_search").getCollection("history");
			history.createIndex(Indexes.ascending("userId", "keyword"), new IndexOptions().unique(true));
			history.insertOne(new Document("userId", "u1").append("keyword", "요가"));
		}
		try (MongoWireServer server = MongoWireServer.start("127.0.0.1", 0, file);
				MongoClient client = client(server)) {
			MongoCollection<Document> history = client.getDatabase("moa_search").getCollection("history");
			assertThat(history.find(new Document("userId", "u1")).first()).containsEntry("keyword", "요가");
			assertThatExceptionOfType(MongoWriteException.class)
				.isThrownBy(() -> history.insertOne(new Document("userId", "u1").append("keyword", "요가")));
			assertThat(history.countDocuments()).isEqualTo(1);
		}
	}

	private static MongoClient client(MongoWireServer server) {
		return MongoClients.create("mongodb://127.0.0.1:" + server.address().getPort());
	}

}
