package com.moa.mail;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of mail-service ({@code moa.mail.*}).
 *
 * @param from the sender ({@code Name <address>})
 * @param replyTo where replies go
 * @param webUrl the public web address mails link to
 * @param timeZone the zone dates in mail are written in
 * @param sending throttling and retries
 */
@Validated
@ConfigurationProperties("moa.mail")
public record MailProperties(@NotBlank String from, @NotBlank String replyTo, @NotBlank String webUrl,
		@DefaultValue("Asia/Seoul") String timeZone, @DefaultValue Sending sending) {

	/**
	 * @param rate messages per second this instance sends at most
	 * @param connections SMTP sessions this instance holds at once
	 * @param batchSize messages sent in one SMTP session
	 * @param interval pause when nothing is due
	 * @param lease how long a claimed delivery may take before another sender takes it
	 * @param initialBackoff first wait after a transient failure; doubles per attempt
	 * @param maxBackoff longest wait
	 * @param maxAttempts transient failures before a delivery is FAILED
	 * @param projectionWait how long a mail waits for a projection it needs (its user.*,
	 * product.* or payment.failed event is late) before it is FAILED; waiting counts no
	 * attempt and is retried at most {@code maxBackoff} apart
	 * @param enabled whether this instance sends at all (off: it only queues)
	 */
	public record Sending(@DefaultValue("true") boolean enabled, @DefaultValue("50") @Min(1) int rate,
			@DefaultValue("2") @Min(1) int connections, @DefaultValue("25") @Min(1) int batchSize,
			@DefaultValue("200ms") Duration interval, @DefaultValue("2m") Duration lease,
			@DefaultValue("5s") Duration initialBackoff, @DefaultValue("10m") Duration maxBackoff,
			@DefaultValue("20") @Min(1) int maxAttempts, @DefaultValue("7d") Duration projectionWait) {
	}

}
