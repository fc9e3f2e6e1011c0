package com.moa.platform.events;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How many outbox events wait and for how long, for {@link EventMetrics}. Its own class
 * so that services without a relational database (MongoDB only) need no JDBC classes.
 */
class OutboxBacklog {

	private final JdbcClient jdbc;

	OutboxBacklog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * @return {pending events, seconds the oldest has waited (0 when none)}
	 */
	double[] read() {
		return this.jdbc
			.sql("SELECT count(*) AS pending, coalesce(extract(epoch FROM now() - min(created_at)), 0) AS lag "
					+ "FROM event_outbox WHERE published_at IS NULL")
			.query((rs, n) -> new double[] { rs.getDouble("pending"), Math.max(0, rs.getDouble("lag")) })
			.single();
	}

}
