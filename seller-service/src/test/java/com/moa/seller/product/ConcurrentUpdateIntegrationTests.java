package com.moa.seller.product;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.moa.seller.SellerIntegrationTestSupport;
import com.moa.seller.caller.Seller;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Concurrent updates without {@code If-Match} never overwrite each other silently: each
 * either lands on its own version or is refused with 409.
 */
class ConcurrentUpdateIntegrationTests extends SellerIntegrationTestSupport {

	@Autowired
	SellerProducts products;

	@Autowired
	TransactionTemplate transaction;

	@Autowired
	JdbcClient jdbc;

	@Test
	void concurrentUpdatesNeverLoseAWrite() throws Exception {
		String seller = newSeller();
		String id = createProduct(seller, "Contended");
		int writers = 8;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		List<Future<MvcTestResult>> futures = new ArrayList<>();
		for (int i = 0; i < writers; i++) {
			String title = "Writer " + i;
			futures.add(pool.submit(() -> {
				start.await();
				return put(PRODUCTS + "/" + id, productJson(title), seller);
			}));
		}
		start.countDown();
		List<MvcTestResult> results = new ArrayList<>();
		for (Future<MvcTestResult> future : futures) {
			results.add(future.get());
		}
		pool.shutdown();

		Set<String> versions = new HashSet<>();
		String lastTitle = null;
		long lastVersion = 0;
		for (MvcTestResult result : results) {
			int status = result.getResponse().getStatus();
			assertThat(status).isIn(200, 409);
			if (status == 200) {
				long version = Long.parseLong(read(result, "$.version"));
				assertThat(versions.add(Long.toString(version))).as("each success has its own version").isTrue();
				if (version > lastVersion) {
					lastVersion = version;
					lastTitle = read(result, "$.title");
				}
			}
		}
		MvcTestResult stored = get(PRODUCTS + "/" + id, seller);
		assertThat(versions).isNotEmpty();
		assertThat(Long.parseLong(read(stored, "$.version"))).isEqualTo(1 + versions.size());
		assertThat(read(stored, "$.title")).isEqualTo(lastTitle);
	}

	/**
	 * Concurrent updates that all name version 1: one lands, the others' version is stale
	 * by the time they write, which API.md answers with 412, not 409.
	 */
	@Test
	void concurrentUpdatesWithTheSameIfMatchAreOneSuccessAndPreconditionFailures() throws Exception {
		String seller = newSeller();
		String id = createProduct(seller, "Contended with If-Match");
		String version = read(get(PRODUCTS + "/" + id, seller), "$.version").toString();
		int writers = 8;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		List<Future<MvcTestResult>> futures = new ArrayList<>();
		for (int i = 0; i < writers; i++) {
			String title = "If-Match writer " + i;
			futures.add(pool.submit(() -> {
				start.await();
				return put(PRODUCTS + "/" + id, productJson(title), seller, "\"" + version + "\"");
			}));
		}
		start.countDown();
		List<Integer> statuses = new ArrayList<>();
		for (Future<MvcTestResult> future : futures) {
			statuses.add(future.get().getResponse().getStatus());
		}
		pool.shutdown();

		assertThat(statuses).containsOnly(200, 412).containsOnlyOnce(200);
	}

	/**
	 * A DELETE without If-Match whose write meets a concurrent unpublish (committed after
	 * the DELETE read the product, while its UPDATE waits on the row) is reapplied to the
	 * reread product, as every other change is: 204, not 409.
	 */
	@Test
	void deleteWithoutIfMatchIsReappliedAfterAConcurrentChange() throws Exception {
		UUID sellerId = UUID.randomUUID();
		String seller = signer.token(sellerId, "SELLER");
		String id = createProduct(seller, "Deleted while unpublished");
		assertThat(post(PRODUCTS + "/" + id + "/publish", seller)).hasStatusOk();
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Future<MvcTestResult> deletion = this.transaction.execute((status) -> {
				this.products.unpublish(new Seller(sellerId, null), UUID.fromString(id), null);
				Future<MvcTestResult> pending = pool.submit(() -> delete(PRODUCTS + "/" + id, seller));
				// The DELETE has read version 2 and now waits for this transaction's row
				// lock.
				await().atMost(5, TimeUnit.SECONDS).until(() -> this.jdbc.sql("""
						SELECT count(*) FROM pg_stat_activity
						WHERE datname = current_database() AND wait_event_type = 'Lock'
						  AND query LIKE 'UPDATE products %'""").query(Long.class).single() == 1);
				return pending;
			});

			assertThat(deletion.get(10, TimeUnit.SECONDS)).hasStatus(HttpStatus.NO_CONTENT);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(get(PRODUCTS + "/" + id, seller)).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(this.jdbc.sql("SELECT status || ' ' || version FROM products WHERE id = ?")
			.param(UUID.fromString(id))
			.query(String.class)
			.single()).isEqualTo("DELETED 4");
	}

}
