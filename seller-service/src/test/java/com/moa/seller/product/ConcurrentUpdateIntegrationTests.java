package com.moa.seller.product;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.moa.seller.SellerIntegrationTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent updates without {@code If-Match} never overwrite each other silently: each
 * either lands on its own version or is refused with 409.
 */
class ConcurrentUpdateIntegrationTests extends SellerIntegrationTestSupport {

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

}
