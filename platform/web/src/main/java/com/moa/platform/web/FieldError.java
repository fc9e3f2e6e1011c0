package com.moa.platform.web;

/**
 * One rejected input field in a validation problem: {@code field} is the JSON path of the
 * value ({@code plans[0].price}) or the query parameter name.
 */
public record FieldError(String field, String message) {
}
