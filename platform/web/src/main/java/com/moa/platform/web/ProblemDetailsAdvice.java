package com.moa.platform.web;

import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.validation.BindingResult;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every error a controller can raise into an RFC 9457 problem with a stable type.
 * Client mistakes (bad JSON, wrong types, unknown enum values, failed validation) are 4xx
 * with the offending fields listed; only genuine faults become a 500.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

	@ExceptionHandler(ApiProblemException.class)
	ResponseEntity<Object> handleApiProblem(ApiProblemException ex, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(ex.getStatus(), ex.getMessage());
		problem.setType(ex.getType());
		problem.setTitle(ex.getTitle());
		ex.getProperties().forEach(problem::setProperty);
		return handleExceptionInternal(ex, problem, ex.getHeaders(), ex.getStatus(), request);
	}

	@ExceptionHandler(ConstraintViolationException.class)
	ResponseEntity<Object> handleConstraintViolation(ConstraintViolationException ex, WebRequest request) {
		List<FieldError> errors = ex.getConstraintViolations()
			.stream()
			.map((violation) -> new FieldError(lastNode(violation.getPropertyPath().toString()),
					violation.getMessage()))
			.toList();
		return validationProblem(ex, errors, request);
	}

	/**
	 * Tomcat refuses to decode a query string with invalid %-encoded UTF-8 when a
	 * parameter is first read.
	 */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<Object> handleUndecodableParameters(InvalidParameterException ex, WebRequest request) {
		return validationProblem(ex, List.of(new FieldError("query", "is not valid percent-encoded UTF-8")), request);
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<Object> handleArgumentTypeMismatch(MethodArgumentTypeMismatchException ex, WebRequest request) {
		return validationProblem(ex, List.of(new FieldError(ex.getName(), "has an invalid value")), request);
	}

	/**
	 * The database refused a value. A data exception (SQLSTATE class 22: too long, NUL,
	 * out of range) is the client's value: 400. An integrity violation (class 23:
	 * duplicate, missing reference) is a conflict with existing data: 409. Either means a
	 * validation is missing, so it is logged. An unreachable or overloaded store is 503:
	 * the request may be retried; so is a request that met concurrent work on its rows (a
	 * deadlock, a serialization failure, a lock not available: SQLSTATE class 55 was a
	 * 500) or a statement timeout, logged as such, not as the store being away.
	 */
	@ExceptionHandler(DataAccessException.class)
	ResponseEntity<Object> handleDataAccess(DataAccessException ex, WebRequest request) {
		String sqlState = sqlState(ex);
		if (sqlState != null && sqlState.startsWith("22")) {
			log.warn("Database refused a client value on {} (SQLSTATE {}): {}", describe(request), sqlState,
					ex.getMostSpecificCause().getMessage());
			return handleApiProblem(new ApiProblemException(HttpStatus.BAD_REQUEST, "invalid-value", "Invalid value",
					"A value in the request is too long or cannot be stored"), request);
		}
		if ((sqlState != null && sqlState.startsWith("23")) || ex instanceof DuplicateKeyException) {
			log.warn("Integrity violation on {} (SQLSTATE {}): {}", describe(request), sqlState,
					ex.getMostSpecificCause().getMessage());
			return handleApiProblem(new ApiProblemException(HttpStatus.CONFLICT, "conflict", "Conflict",
					"The request conflicts with existing data"), request);
		}
		if (ex instanceof PessimisticLockingFailureException || ex instanceof QueryTimeoutException
				|| (sqlState != null && sqlState.startsWith("55"))) {
			log.warn("Data busy on {} (SQLSTATE {}): {}", describe(request), sqlState,
					ex.getMostSpecificCause().getMessage());
			return handleApiProblem(new ApiProblemException(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
					"Service unavailable", "The data this request needs is busy; retry shortly", Duration.ofSeconds(2)),
					request);
		}
		if (ex instanceof DataAccessResourceFailureException || ex instanceof TransientDataAccessException) {
			log.warn("Data store unavailable on {}: {}", describe(request), ex.getMessage());
			return handleApiProblem(new StoreUnavailableException(), request);
		}
		return handleUnexpected(ex, request);
	}

	/**
	 * The database went away around a transaction. Without a connection to begin it (the
	 * database down, or the pool exhausted for its whole timeout) Spring reports a
	 * transaction exception, not a data access one; a statement that failed on a dropped
	 * connection is reported as the rollback that failed after it. Both were 500s.
	 */
	@ExceptionHandler(TransactionException.class)
	ResponseEntity<Object> handleTransaction(TransactionException ex, WebRequest request) {
		if (ex instanceof TransactionSystemException failedRollback
				&& failedRollback.getApplicationException() instanceof DataAccessException original) {
			return handleDataAccess(original, request);
		}
		if (ex instanceof CannotCreateTransactionException || lostConnection(ex)) {
			log.warn("Data store unavailable on {}: {}", describe(request), ex.getMostSpecificCause().getMessage());
			return handleApiProblem(new StoreUnavailableException(), request);
		}
		return handleUnexpected(ex, request);
	}

	/** SQLSTATE class 08: connection exception. */
	private static boolean lostConnection(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
				return true;
			}
		}
		return false;
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
		log.error("Unhandled error on {}", describe(request), ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"The server could not complete the request");
		problem.setType(ProblemTypes.INTERNAL);
		return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		return validationProblem(ex, fieldErrors(ex.getBindingResult()), request);
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldError> errors = new ArrayList<>();
		for (ParameterValidationResult result : ex.getParameterValidationResults()) {
			String name = result.getMethodParameter().getParameterName();
			result.getResolvableErrors()
				.forEach((error) -> errors.add(new FieldError(fieldName(error, name), error.getDefaultMessage())));
		}
		return validationProblem(ex, errors, request);
	}

	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String name = (ex.getPropertyName() != null) ? ex.getPropertyName() : "value";
		return validationProblem(ex, List.of(new FieldError(name, "has an invalid value")), request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		PayloadTooLargeException tooLarge = findCause(ex, PayloadTooLargeException.class);
		if (tooLarge != null) {
			return handleApiProblem(tooLarge, request);
		}
		JacksonException jackson = findCause(ex, JacksonException.class);
		if (jackson instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
			String field = jsonPath(mismatch);
			String message = (mismatch instanceof TextInputModule.InvalidText) ? mismatch.getOriginalMessage()
					: (mismatch instanceof UnrecognizedPropertyException) ? "is not a known field"
							: (mismatch instanceof InvalidFormatException invalid && invalid.getTargetType().isEnum())
									? "must be one of " + List.of(invalid.getTargetType().getEnumConstants())
									: "has an invalid value or type";
			return validationProblem(ex, List.of(new FieldError(field, message)), request);
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"The request body is missing or is not valid JSON");
		problem.setType(ProblemTypes.MALFORMED_REQUEST);
		problem.setTitle("Malformed request");
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
		if (response != null && response.getBody() instanceof ProblemDetail problem) {
			// Framework-built problems default to about:blank; give every one a stable
			// type.
			if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
				problem.setType(ProblemTypes.forStatus(problem.getStatus()));
			}
			if (problem.getInstance() == null && request instanceof ServletWebRequest servlet) {
				problem.setInstance(URI.create(servlet.getRequest().getRequestURI()));
			}
		}
		return response;
	}

	@Override
	protected ResponseEntity<Object> handleMissingServletRequestParameter(
			org.springframework.web.bind.MissingServletRequestParameterException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		return validationProblem(ex, List.of(new FieldError(ex.getParameterName(), "is required")), request);
	}

	/**
	 * Missing required headers (such as {@code Idempotency-Key}) are validation failures.
	 */
	@Override
	protected ResponseEntity<Object> handleServletRequestBindingException(
			org.springframework.web.bind.ServletRequestBindingException ex, HttpHeaders headers, HttpStatusCode status,
			WebRequest request) {
		if (ex instanceof MissingRequestHeaderException missing) {
			return validationProblem(ex, List.of(new FieldError(missing.getHeaderName(), "header is required")),
					request);
		}
		return super.handleServletRequestBindingException(ex, headers, status, request);
	}

	private ResponseEntity<Object> validationProblem(Exception ex, List<FieldError> errors, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"The request has invalid fields");
		problem.setType(ProblemTypes.VALIDATION);
		problem.setTitle("Validation failed");
		problem.setProperty("errors", errors);
		return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
	}

	private static List<FieldError> fieldErrors(BindingResult result) {
		List<FieldError> errors = new ArrayList<>();
		result.getFieldErrors().forEach((error) -> errors.add(new FieldError(error.getField(), message(error))));
		result.getGlobalErrors().forEach((error) -> errors.add(new FieldError(error.getObjectName(), message(error))));
		return errors;
	}

	private static String message(org.springframework.validation.ObjectError error) {
		if (error instanceof org.springframework.validation.FieldError field && field.isBindingFailure()) {
			return "has an invalid value";
		}
		return error.getDefaultMessage();
	}

	private static String fieldName(org.springframework.context.MessageSourceResolvable error, String parameter) {
		if (error instanceof org.springframework.validation.FieldError field) {
			return field.getField();
		}
		return parameter;
	}

	private static String jsonPath(MismatchedInputException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String lastNode(String propertyPath) {
		int dot = propertyPath.lastIndexOf('.');
		return (dot >= 0) ? propertyPath.substring(dot + 1) : propertyPath;
	}

	private static String sqlState(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null) {
				return sql.getSQLState();
			}
		}
		return null;
	}

	private static <T extends Throwable> T findCause(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	private static String describe(WebRequest request) {
		if (request instanceof ServletWebRequest servlet) {
			HttpServletRequest http = servlet.getRequest();
			return http.getMethod().toUpperCase(Locale.ROOT) + " " + http.getRequestURI();
		}
		return request.getDescription(false);
	}

}
