package com.moa.platform.events;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.AmqpTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operators' view of this service's dead letters (docs/operations.md, "Dead
 * letters"): under {@code /internal/**}, which the gateway never routes and which needs
 * the operator key.
 */
@RestController
@RequestMapping("/internal/dead-letters")
class DeadLettersController {

	private final DeadLetters deadLetters;

	DeadLettersController(DeadLetters deadLetters) {
		this.deadLetters = deadLetters;
	}

	@GetMapping
	List<QueueDepth> queues() {
		return this.deadLetters.queues()
			.stream()
			.map((queue) -> new QueueDepth(queue, this.deadLetters.depth(queue)))
			.toList();
	}

	@GetMapping("/{queue}")
	ResponseEntity<?> list(@PathVariable String queue, @RequestParam(defaultValue = "50") int limit) {
		if (limit < 1 || limit > 1000) {
			return problem(HttpStatus.BAD_REQUEST, "validation", "limit must be between 1 and 1000");
		}
		return ResponseEntity.ok(this.deadLetters.list(queue, limit));
	}

	@PostMapping("/{queue}/replay")
	ResponseEntity<?> replay(@PathVariable String queue, @RequestBody Selection selection) {
		Predicate<String> chosen = selection.predicate();
		return (chosen != null) ? ResponseEntity.ok(Map.of("replayed", this.deadLetters.replay(queue, chosen)))
				: problem(HttpStatus.BAD_REQUEST, "validation", Selection.RULE);
	}

	@PostMapping("/{queue}/discard")
	ResponseEntity<?> discard(@PathVariable String queue, @RequestBody Selection selection) {
		Predicate<String> chosen = selection.predicate();
		return (chosen != null) ? ResponseEntity.ok(Map.of("discarded", this.deadLetters.discard(queue, chosen)))
				: problem(HttpStatus.BAD_REQUEST, "validation", Selection.RULE);
	}

	@ExceptionHandler(UnknownDeadLetterQueueException.class)
	ResponseEntity<ProblemDetail> unknownQueue(UnknownDeadLetterQueueException ex) {
		return problem(HttpStatus.NOT_FOUND, "not-found", ex.getMessage());
	}

	/**
	 * RabbitMQ down or not answering: the operator retries (it was a 500). The overview
	 * answers anyway, with unknown depths.
	 */
	@ExceptionHandler({ AmqpConnectException.class, AmqpIOException.class, AmqpTimeoutException.class })
	ResponseEntity<ProblemDetail> brokerUnavailable(AmqpException ex) {
		ResponseEntity<ProblemDetail> problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
				"RabbitMQ cannot be reached right now; retry shortly (" + ex.getMessage() + ")");
		return ResponseEntity.status(problem.getStatusCode())
			.header(HttpHeaders.RETRY_AFTER, "5")
			.body(problem.getBody());
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String slug, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("https://moa-subscribe.com/problems/" + slug));
		return ResponseEntity.status(status).body(problem);
	}

	record QueueDepth(String queue, long depth) {
	}

	/**
	 * Which dead letters to act on: the listed message ids, or every one with
	 * {@code all: true}; an empty selection is refused rather than read as "all".
	 */
	record Selection(List<String> messageIds, Boolean all) {

		static final String RULE = "give messageIds, or all: true";

		Predicate<String> predicate() {
			if (Boolean.TRUE.equals(this.all)) {
				return (id) -> true;
			}
			if (this.messageIds != null && !this.messageIds.isEmpty()) {
				Set<String> ids = new HashSet<>(this.messageIds);
				return (id) -> id != null && ids.contains(id);
			}
			return null;
		}

	}

}
