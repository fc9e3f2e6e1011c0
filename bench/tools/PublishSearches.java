import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Publishes search.performed events as lookup-service would (bench/search-bench.sh):
 * COUNT events by USERS users (user i searches event i % USERS), keywords from a
 * vocabulary of Korean and English phrases with a Zipf-like popularity, times spread over
 * the last 3 days. Publisher confirms every 1,000 messages. Hand-written because the
 * machine has no AMQP load tool; run as a single-file program with the amqp-client jar.
 *
 * java -cp amqp-client.jar:slf4j-api.jar PublishSearches.java VHOST COUNT USERS SEED
 */
public class PublishSearches {

	static final String[] KOREAN = { "요가", "필라테스", "밀키트", "샐러드", "커피", "원두", "꽃", "와인", "책", "영화", "음악", "운동화",
			"비타민", "반려견", "고양이", "간식", "세제", "면도기", "화장품", "향수", "양말", "도시락", "과일", "우유" };

	static final String[] ENGLISH = { "netflix", "spotify", "yoga mat", "coffee beans", "meal kit", "protein",
			"wine club", "book box", "razor", "socks", "flowers", "vitamins", "dog treats", "cat food", "salad" };

	static final String[] SUFFIX = { "", " 구독", " 정기배송", " 세트", " 추천", " premium", " 할인", " 1개월", " 대용량", " 미니" };

	public static void main(String[] args) throws Exception {
		String vhost = args[0];
		int count = Integer.parseInt(args[1]);
		int users = Integer.parseInt(args[2]);
		Random random = new Random(Long.parseLong(args[3]));
		List<String> vocabulary = new ArrayList<>();
		for (String word : KOREAN) {
			for (String suffix : SUFFIX) {
				vocabulary.add(word + suffix);
			}
		}
		for (String word : ENGLISH) {
			for (String suffix : SUFFIX) {
				vocabulary.add(word + suffix);
			}
		}
		double[] cumulative = new double[vocabulary.size()];
		double sum = 0;
		for (int i = 0; i < cumulative.length; i++) {
			sum += 1.0 / (i + 1);
			cumulative[i] = sum;
		}
		UUID[] userIds = new UUID[users];
		for (int i = 0; i < users; i++) {
			userIds[i] = new UUID(0x5ea4c4L, i);
		}
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setVirtualHost(vhost);
		factory.setUsername("guest");
		factory.setPassword("guest");
		Instant now = Instant.now();
		long started = System.nanoTime();
		try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
			channel.confirmSelect();
			AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
				.deliveryMode(2)
				.build();
			for (int i = 0; i < count; i++) {
				double pick = random.nextDouble() * sum;
				int rank = 0;
				while (cumulative[rank] < pick) {
					rank++;
				}
				UUID user = userIds[i % users];
				Instant time = now.minusSeconds(random.nextInt(3 * 24 * 3600));
				String json = "{\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"lookup-service\",\"type\":\"search.performed\","
						+ "\"time\":\"" + time + "\",\"subject\":\"" + user + "\",\"dataversion\":1,\"data\":{\"userId\":\""
						+ user + "\",\"keyword\":\"" + vocabulary.get(rank) + "\",\"resultCount\":3,\"time\":\"" + time
						+ "\"}}";
				channel.basicPublish("moa.events", "search.performed", properties, json.getBytes(StandardCharsets.UTF_8));
				if (i % 1000 == 999) {
					channel.waitForConfirmsOrDie(30_000);
				}
			}
			channel.waitForConfirmsOrDie(30_000);
		}
		System.out.printf("published %d events in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
	}

}
