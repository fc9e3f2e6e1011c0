package com.moa.platform.testing;

import java.util.List;
import java.util.Map;

/**
 * One HTTP endpoint as {@link HostileInputs} attacks it.
 *
 * @param method the HTTP method
 * @param path the path template, variables in braces ({@code /api/products/{id}})
 * @param pathVariables each variable's Java type (decides its sample value and which
 * attacks must fail)
 * @param queryParameters each query parameter's Java type
 * @param headers request headers the handler reads (e.g. {@code If-Match})
 * @param sampleBody a valid-looking JSON body, or {@code null} when the endpoint takes
 * none
 */
public record Endpoint(String method, String path, Map<String, Class<?>> pathVariables,
		Map<String, Class<?>> queryParameters, List<String> headers, String sampleBody) {

	public Endpoint {
		pathVariables = Map.copyOf(pathVariables);
		queryParameters = Map.copyOf(queryParameters);
		headers = List.copyOf(headers);
	}

	/** An endpoint without variables, parameters, headers or body. */
	public static Endpoint of(String method, String path) {
		return new Endpoint(method, path, Map.of(), Map.of(), List.of(), null);
	}

	public Endpoint withSampleBody(String json) {
		return new Endpoint(this.method, this.path, this.pathVariables, this.queryParameters, this.headers, json);
	}

	public Endpoint withQueryParameter(String name, Class<?> type) {
		Map<String, Class<?>> parameters = new java.util.HashMap<>(this.queryParameters);
		parameters.put(name, type);
		return new Endpoint(this.method, this.path, this.pathVariables, parameters, this.headers, this.sampleBody);
	}

	/** {@code METHOD path}, as endpoints are named in reports and overrides. */
	public String key() {
		return this.method + " " + this.path;
	}

	@Override
	public String toString() {
		return key();
	}

}
