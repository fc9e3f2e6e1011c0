package com.moa.platform.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.UncategorizedDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

@WebMvcTest(properties = "moa.web.max-request-size=2KB")
@Import(ProblemDetailsAdviceTests.ThingController.class)
class ProblemDetailsAdviceTests {

	@Autowired
	MockMvcTester mvc;

	@Test
	void validationFailureListsEveryField() {
		assertThat(this.mvc.post()
			.uri("/things")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\" \",\"plans\":[{\"price\":-1}],\"kind\":\"SMALL\"}"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.type", (type) -> type.assertThat().isEqualTo(ProblemTypes.VALIDATION.toString()))
			.hasPathSatisfying("$.errors[*].field",
					(fields) -> fields.assertThat().asList().containsExactlyInAnyOrder("name", "plans[0].price"));
	}

	@Test
	void malformedJsonIsA400NotA500() {
		assertThat(this.mvc.post().uri("/things").contentType(MediaType.APPLICATION_JSON).content("{\"name\":"))
			.hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo(ProblemTypes.MALFORMED_REQUEST.toString());
	}

	@Test
	void unknownEnumValueNamesTheFieldAndTheAllowedValues() {
		assertThat(this.mvc.post()
			.uri("/things")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"a\",\"plans\":[{\"price\":1}],\"kind\":\"HUGE\"}")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.hasPathSatisfying("$.errors[0].field", (field) -> field.assertThat().isEqualTo("kind"))
			.hasPathSatisfying("$.errors[0].message",
					(message) -> message.assertThat().asString().contains("SMALL", "LARGE"));
	}

	@Test
	void wrongTypeInBodyIsAFieldError() {
		assertThat(this.mvc.post()
			.uri("/things")
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"name\":\"a\",\"plans\":[{\"price\":\"ten\"}]}")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("plans[0].price");
	}

	@Test
	void wrongTypeAndOutOfRangeQueryParametersAre400() {
		assertThat(this.mvc.get().uri("/things?page=abc")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("page");
		assertThat(this.mvc.get().uri("/things?page=-1")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.mvc.get().uri("/things/not-a-number")).hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void missingParameterAndHeaderAre400() {
		assertThat(this.mvc.get().uri("/required")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("q");
		assertThat(this.mvc.get().uri("/header")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.errors[0].field")
			.isEqualTo("Idempotency-Key");
	}

	@Test
	void oversizeBodyIs413() {
		String big = "{\"name\":\"" + "x".repeat(4096) + "\",\"plans\":[{\"price\":1}]}";
		assertThat(this.mvc.post().uri("/things").contentType(MediaType.APPLICATION_JSON).content(big))
			.hasStatus(HttpStatus.CONTENT_TOO_LARGE)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.type")
			.isEqualTo(ProblemTypes.PAYLOAD_TOO_LARGE.toString());
	}

	@Test
	void domainProblemKeepsItsStatusAndType() {
		assertThat(this.mvc.get().uri("/things/42")).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.type", (type) -> type.assertThat().isEqualTo(ProblemTypes.NOT_FOUND.toString()))
			.hasPathSatisfying("$.detail", (detail) -> detail.assertThat().isEqualTo("thing 42 was not found"));
	}

	@Test
	void unknownPathAndWrongMethodAreProblems() {
		assertThat(this.mvc.get().uri("/nowhere")).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.mvc.delete().uri("/things")).hasStatus(HttpStatus.METHOD_NOT_ALLOWED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void noConnectionForATransactionIsA503ToRetry() {
		assertThat(this.mvc.get().uri("/no-connection")).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader("Retry-After", "2");
		assertThat(this.mvc.get().uri("/connection-dropped")).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
			.hasHeader("Retry-After", "2");
		assertThat(this.mvc.get().uri("/rollback-failed")).hasStatus(HttpStatus.INTERNAL_SERVER_ERROR);
	}

	@Test
	void rowsBusyWithConcurrentWorkAreA503ToRetry() {
		for (String busy : List.of("/deadlock", "/lock-not-available", "/statement-timeout")) {
			assertThat(this.mvc.get().uri(busy)).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
				.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
				.hasHeader("Retry-After", "2")
				.bodyText()
				.contains("busy");
		}
	}

	@Test
	void unexpectedFailureIsAGeneric500WithoutInternals() {
		assertThat(this.mvc.get().uri("/boom")).hasStatus(HttpStatus.INTERNAL_SERVER_ERROR)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyText()
			.doesNotContain("secret internals");
	}

	@SpringBootApplication
	static class TestApp {

	}

	enum Kind {

		SMALL, LARGE

	}

	record Plan(@Min(0) int price) {
	}

	record ThingRequest(@NotBlank @Size(max = 100) String name, @NotEmpty List<@Valid Plan> plans, Kind kind) {
	}

	@RestController
	@Validated
	static class ThingController {

		@PostMapping("/things")
		ThingRequest create(@Valid @RequestBody ThingRequest request) {
			return request;
		}

		@GetMapping("/things")
		PageResponse<String> list(@Valid PageQuery page) {
			return PageResponse.of(List.of("a"), page.pageOrDefault(), page.sizeOrDefault(), 1);
		}

		@GetMapping("/things/{id}")
		String get(@PathVariable long id) {
			throw new NotFoundException("thing", id);
		}

		@GetMapping("/required")
		String required(@RequestParam String q) {
			return q;
		}

		@GetMapping("/header")
		String header(@RequestHeader("Idempotency-Key") String key) {
			return key;
		}

		@GetMapping("/no-connection")
		String noConnection() {
			// What DataSourceTransactionManager throws when the pool gives no connection.
			throw new CannotCreateTransactionException("Could not open JDBC Connection for transaction",
					new SQLTransientConnectionException("Connection is not available, request timed out"));
		}

		@GetMapping("/deadlock")
		String deadlock() {
			// As Spring translates PostgreSQL's 40P01.
			throw new PessimisticLockingFailureException("deadlock detected",
					new SQLException("deadlock detected", "40P01"));
		}

		@GetMapping("/lock-not-available")
		String lockNotAvailable() {
			// 55P03, which Spring does not translate (UncategorizedSQLException).
			throw new UncategorizedDataAccessException("could not obtain lock on row",
					new SQLException("could not obtain lock on row", "55P03")) {
			};
		}

		@GetMapping("/statement-timeout")
		String statementTimeout() {
			throw new QueryTimeoutException("canceling statement due to statement timeout",
					new SQLException("canceling statement due to statement timeout", "57014"));
		}

		@GetMapping("/connection-dropped")
		String connectionDropped() {
			// A statement failed on a dropped connection, then so did the rollback.
			TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
					new SQLException("Connection is closed", "08003"));
			rollback.initApplicationException(new DataAccessResourceFailureException("I/O error"));
			throw rollback;
		}

		@GetMapping("/rollback-failed")
		String rollbackFailed() {
			throw new TransactionSystemException("JDBC rollback failed", new IllegalStateException("bug"));
		}

		@GetMapping("/boom")
		String boom() {
			throw new IllegalStateException("secret internals");
		}

	}

}
