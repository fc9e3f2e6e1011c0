package com.moa.platform.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The shared hostile-input kit: sends every endpoint it is given the inputs an attacker
 * or a broken client sends — NUL and other control characters, 1 MB strings, wrong JSON
 * types, deeply nested JSON, numbers out of range, invalid UUIDs, empty bodies, wrong
 * content types, raw control bytes in headers — one at a time, each on an otherwise
 * plausible request, and reports every answer that breaks the rule: never a 5xx; a 4xx is
 * {@code application/problem+json}; inputs that can never be valid (control characters,
 * over-long values, malformed bodies) must be refused with a 4xx.
 *
 * <pre>{@code
 * List<String> failures = HostileInputs.against(port)
 *     .headers((endpoint) -> List.of("Authorization: Bearer " + token))
 *     .probe(MvcEndpoints.of(context));
 * assertThat(failures).isEmpty();
 * }</pre>
 */
public final class HostileInputs {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int MEGABYTE = 1024 * 1024;

	// JSON writers do not emit an unpaired surrogate escape; the mark is replaced by one
	// after writing.
	private static final String LONE_SURROGATE_MARK = "LONE-SURROGATE-MARK";

	private final int port;

	private Function<Endpoint, List<String>> headers = (endpoint) -> List.of();

	private final Map<String, Supplier<String>> pathSamples = new HashMap<>();

	private final Map<String, String> querySamples = new HashMap<>();

	private final Map<String, String> bodySamples = new HashMap<>();

	private int requests;

	private boolean forwardsBodies;

	private HostileInputs(int port) {
		this.port = port;
	}

	/** The kit against a server on a local port. */
	public static HostileInputs against(int port) {
		return new HostileInputs(port);
	}

	/**
	 * Headers every request to an endpoint carries, such as a valid token for its role.
	 */
	public HostileInputs headers(Function<Endpoint, List<String>> headers) {
		this.headers = headers;
		return this;
	}

	/**
	 * Credentials as a service expects them: the operator key on {@code /internal/**},
	 * the user's bearer token everywhere else.
	 */
	public static Function<Endpoint, List<String>> credentials(String accessToken, String operatorKey) {
		return (endpoint) -> endpoint.path().startsWith("/internal/") ? List.of("X-Operator-Key: " + operatorKey)
				: List.of("Authorization: Bearer " + accessToken);
	}

	/**
	 * The value a path variable takes while other inputs are attacked (an existing
	 * object's id, so the attack reaches more than a 404).
	 */
	public HostileInputs pathSample(String variable, Supplier<String> value) {
		this.pathSamples.put(variable, value);
		return this;
	}

	/**
	 * The value a query parameter takes while other inputs are attacked, where the
	 * generic sample would be refused first ({@code category=sample} is a 400 before
	 * {@code q} is read, so {@code q}'s attacks never reached the search).
	 */
	public HostileInputs querySample(String parameter, String value) {
		this.querySamples.put(parameter, value);
		return this;
	}

	/**
	 * A valid body for an endpoint ({@code "POST /api/auth/signup"}), replacing its
	 * sample.
	 */
	public HostileInputs bodySample(String endpointKey, String json) {
		this.bodySamples.put(endpointKey, json);
		return this;
	}

	/**
	 * For a proxy (the gateway): bodies and query values pass through to the services,
	 * which validate them, so only "never a 5xx, every 4xx problem JSON" is checked for
	 * them; what the proxy itself must refuse (raw bytes in headers, oversized heads) is
	 * still required to fail.
	 */
	public HostileInputs forwardingProxy() {
		this.forwardsBodies = true;
		return this;
	}

	/** How many requests the last {@link #probe} sent. */
	public int requestsSent() {
		return this.requests;
	}

	/**
	 * Attacks every endpoint.
	 * @param endpoints the endpoints
	 * @return one line per answer that broke the rule; empty when all held
	 */
	public List<String> probe(Collection<Endpoint> endpoints) {
		this.requests = 0;
		List<String> failures = new ArrayList<>();
		for (Endpoint endpoint : endpoints) {
			String body = this.bodySamples.getOrDefault(endpoint.key(), endpoint.sampleBody());
			for (Attack attack : attacks(endpoint.withSampleBody(body))) {
				String failure = send(endpoint, attack);
				if (failure != null) {
					failures.add(failure);
				}
			}
		}
		return failures;
	}

	private String send(Endpoint endpoint, Attack attack) {
		List<String> headerLines = new ArrayList<>(this.headers.apply(endpoint));
		headerLines.addAll(attack.headers());
		if (attack.body() != null && attack.contentType() != null) {
			headerLines.add("Content-Type: " + attack.contentType());
		}
		RawHttp.Response response;
		try {
			this.requests++;
			response = RawHttp.send(this.port, endpoint.method(), attack.target(), headerLines, attack.body());
		}
		catch (RuntimeException ex) {
			return describe(endpoint, attack) + " → no HTTP answer (" + ex.getMessage() + ")";
		}
		int status = response.status();
		boolean clientError = status >= 400 && status < 500;
		if (status >= 500) {
			return describe(endpoint, attack) + " → " + status + " " + response.header("content-type") + " "
					+ RawHttp.abbreviate(response.text());
		}
		if (clientError && !response.isProblem()) {
			return describe(endpoint, attack) + " → " + status + " without problem+json ("
					+ response.header("content-type") + ")";
		}
		boolean mustFail = attack.mustFail() && !(this.forwardsBodies && attack.forwarded());
		if (mustFail && !clientError) {
			return describe(endpoint, attack) + " → " + status + ", expected a 4xx";
		}
		return null;
	}

	private static String describe(Endpoint endpoint, Attack attack) {
		return endpoint.key() + " [" + attack.name() + "]";
	}

	// --- the attacks ------------------------------------------------------------------

	private List<Attack> attacks(Endpoint endpoint) {
		List<Attack> attacks = new ArrayList<>();
		Map<String, String> samples = new HashMap<>();
		endpoint.pathVariables().forEach((name, type) -> samples.put(name, pathSample(name, type)));
		String query = sampleQuery(endpoint);
		String target = expand(endpoint.path(), samples) + query;
		byte[] body = (endpoint.sampleBody() != null) ? utf8(endpoint.sampleBody()) : null;
		String json = (body != null) ? "application/json" : null;

		endpoint.pathVariables().forEach((name, type) -> {
			for (Value value : pathValues(type)) {
				Map<String, String> attacked = new HashMap<>(samples);
				attacked.put(name, value.encoded());
				attacks.add(new Attack("path " + name + "=" + value.name(), expand(endpoint.path(), attacked) + query,
						List.of(), body, json, value.mustFail()));
			}
		});
		String base = expand(endpoint.path(), samples);
		endpoint.queryParameters().forEach((name, type) -> {
			for (Value value : parameterValues(type)) {
				attacks.add(new Attack("query " + name + "=" + value.name(),
						base + replaceParameter(query, name, value.encoded()), List.of(), body, json,
						value.mustFail()));
			}
		});
		for (Value value : List.of(Value.strict("NUL", "%00"), Value.strict("ESC", "%1B"))) {
			attacks.add(new Attack("unknown query parameter " + value.name(),
					target + (query.isEmpty() ? "?" : "&") + "zz=" + value.encoded(), List.of(), body, json, true));
		}
		// Names are checked apart from values (by Spring Security's firewall).
		for (Value name : List.of(Value.strict("SOH", "%01"), Value.strict("NEL", "%C2%85"))) {
			attacks.add(new Attack("query parameter named " + name.name(),
					target + (query.isEmpty() ? "?" : "&") + name.encoded() + "=1", List.of(), body, json, true));
		}
		// Only a request with a body says what it is; on any other the header is noise.
		attacks.add(new Attack("Content-Type multipart/form-data without a body", target,
				List.of("Content-Type: multipart/form-data"), null, null, false));
		for (String header : endpoint.headers()) {
			attacks.add(new Attack("header " + header + " with SOH byte", target, List.of(header + ": a\u0001b"), body,
					json, true));
			// Raw UTF-8 bytes (RawHttp writes ISO-8859-1): Korean typed into a header.
			attacks.add(new Attack("header " + header + " with UTF-8 text", target,
					List.of(header + ": " + new String(utf8("요가-1"), StandardCharsets.ISO_8859_1)), body, json, false));
			attacks.add(new Attack("header " + header + " of 2000 chars", target,
					List.of(header + ": " + "x".repeat(2000)), body, json, true));
		}
		attacks.add(new Attack("X-Request-Id with control byte", target, List.of("X-Request-Id: a\u0001b"), body, json,
				false));
		attacks.add(
				new Attack("Cookie with control byte", target, List.of("Cookie: moa_vid=a\u0001b"), body, json, false));
		attacks.add(new Attack("16 KB header", target, List.of("X-Junk: " + "x".repeat(16 * 1024)), body, json, true));
		attacks.add(new Attack("request target of 16 KB", base + "?zz=" + "x".repeat(16 * 1024), List.of(), body, json,
				true));
		if (body != null) {
			bodyAttacks(endpoint.sampleBody(), target, attacks);
		}
		return attacks;
	}

	private void bodyAttacks(String sample, String target, List<Attack> attacks) {
		String json = "application/json";
		attacks.add(new Attack("body empty", target, List.of(), new byte[0], json, true));
		attacks.add(new Attack("body null", target, List.of(), utf8("null"), json, true));
		attacks.add(new Attack("body []", target, List.of(), utf8("[]"), json, true));
		attacks.add(new Attack("body not JSON", target, List.of(), utf8("hello"), json, true));
		attacks.add(new Attack("body truncated", target, List.of(), utf8(sample.substring(0, sample.length() / 2)),
				json, true));
		attacks.add(new Attack("body nested 100000 deep", target, List.of(),
				utf8("[".repeat(100_000) + "]".repeat(100_000)), json, true));
		attacks.add(new Attack("body of 1 MB", target, List.of(), utf8("{\"junk\":\"" + "x".repeat(MEGABYTE) + "\"}"),
				json, true));
		attacks.add(new Attack("body as text/plain", target, List.of(), utf8(sample), "text/plain", true));
		attacks.add(new Attack("body as application/xml", target, List.of(), utf8("<a/>"), "application/xml", true));
		attacks.add(new Attack("body as multipart/form-data", target, List.of(), utf8("--x--\r\n"),
				"multipart/form-data; boundary=x", true));
		attacks.add(new Attack("body as a broken form", target, List.of(), utf8("%"),
				"application/x-www-form-urlencoded", true));
		attacks.add(new Attack("body without Content-Type", target, List.of(), utf8(sample), null, true));
		attacks.add(new Attack("body with invalid UTF-8", target, List.of(), withInvalidUtf8(sample), json, true));
		attacks.add(new Attack("body with an unknown field", target, List.of(),
				utf8(addField(sample, "zzUnknown", "x")), json, false));
		JsonNode root = JSON.readTree(sample);
		for (String path : leafPaths(root, "")) {
			JsonNode leaf = at(root, path);
			for (Value value : bodyValues(leaf)) {
				attacks.add(new Attack("body " + path + "=" + value.name(), target, List.of(),
						utf8(replaced(root, path, value.json())), json, value.mustFail()));
			}
		}
	}

	private static byte[] withInvalidUtf8(String sample) {
		int quote = sample.indexOf(":\"");
		byte[] bytes = utf8(sample);
		if (quote < 0) {
			return new byte[] { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' };
		}
		byte[] result = new byte[bytes.length + 2];
		int at = sample.substring(0, quote + 2).getBytes(StandardCharsets.UTF_8).length;
		System.arraycopy(bytes, 0, result, 0, at);
		result[at] = (byte) 0xC3;
		result[at + 1] = (byte) 0x28;
		System.arraycopy(bytes, at, result, at + 2, bytes.length - at);
		return result;
	}

	private String pathSample(String name, Class<?> type) {
		Supplier<String> sample = this.pathSamples.get(name);
		return (sample != null) ? sample.get() : sampleText(type);
	}

	private String sampleQuery(Endpoint endpoint) {
		StringBuilder query = new StringBuilder();
		endpoint.queryParameters().forEach((name, type) -> {
			String sample = this.querySamples.getOrDefault(name, sampleText(type));
			query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(encode(sample));
		});
		return query.toString();
	}

	private static String sampleText(Class<?> type) {
		if (type == UUID.class) {
			return UUID.randomUUID().toString();
		}
		if (isNumber(type)) {
			return "1";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "true";
		}
		if (type.isEnum()) {
			return type.getEnumConstants()[0].toString();
		}
		return "sample";
	}

	private static List<Value> pathValues(Class<?> type) {
		boolean typed = type == UUID.class || isNumber(type) || type.isEnum();
		return List.of(Value.strict("NUL", "%00"), Value.strict("ESC", "a%1Bb"),
				Value.strict("2000 chars", "x".repeat(2000)), new Value("not-a-uuid", "not-a-uuid", null, typed),
				new Value("huge number", "99999999999999999999", null, typed), Value.lenient("emoji", encode("🧘")),
				Value.lenient("Korean", encode("요가")), new Value("encoded lone surrogate", "%ED%A0%80", null, typed),
				new Value("encoded invalid UTF-8", "%C3%28", null, typed));
	}

	private static List<Value> parameterValues(Class<?> type) {
		boolean typed = type == UUID.class || isNumber(type) || type.isEnum() || type == Boolean.class
				|| type == boolean.class;
		return List.of(Value.strict("NUL", "%00"), Value.strict("ESC", "%1B"), Value.strict("newline", "a%0Ab"),
				Value.strict("2000 chars", "x".repeat(2000)), new Value("wrong type", "abc%20def", null, typed),
				new Value("huge number", "99999999999999999999", null, typed), Value.lenient("-1", "-1"),
				Value.lenient("empty", ""), Value.lenient("emoji", encode("🧘 e\u0301")),
				Value.lenient("encoded lone surrogate", "%ED%A0%80"), Value.lenient("encoded invalid UTF-8", "%C3%28"));
	}

	private static List<Value> bodyValues(JsonNode leaf) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		List<Value> values = new ArrayList<>();
		if (leaf.isString()) {
			String text = leaf.asString();
			values.add(Value.strictJson("NUL", nodes.stringNode(text + "\u0000")));
			values.add(Value.strictJson("ESC", nodes.stringNode("a\u001bb")));
			values.add(Value.strictJson("lone surrogate", nodes.stringNode("a" + LONE_SURROGATE_MARK)));
			values.add(Value.strictJson("1 MB string", nodes.stringNode("x".repeat(MEGABYTE))));
			values.add(Value.strictJson("100000 chars", nodes.stringNode("x".repeat(100_000))));
			values.add(Value.strictJson("number", nodes.numberNode(12)));
			values.add(Value.strictJson("boolean", nodes.booleanNode(true)));
			values.add(Value.strictJson("object", nodes.objectNode().put("a", 1)));
			values.add(Value.strictJson("array", nodes.arrayNode().add("a")));
			values.add(Value.lenientJson("null", nodes.nullNode()));
			values.add(Value.lenientJson("empty", nodes.stringNode("")));
			values.add(Value.lenientJson("emoji and combining marks", nodes.stringNode("요가 🧘\u200d♀️ e\u0301")));
			if (isUuid(text)) {
				values.add(Value.strictJson("not-a-uuid", nodes.stringNode("not-a-uuid")));
			}
		}
		else if (leaf.isNumber()) {
			values.add(Value.strictJson("string", nodes.stringNode("abc")));
			values.add(Value.strictJson("numeric string", nodes.stringNode("5")));
			values.add(Value.strictJson("boolean", nodes.booleanNode(true)));
			values.add(Value.strictJson("object", nodes.objectNode()));
			values.add(Value.strictJson("fraction", nodes.numberNode(new java.math.BigDecimal("1.5"))));
			values.add(Value.strictJson("1e400", nodes.numberNode(new java.math.BigDecimal("1e400"))));
			values
				.add(Value.strictJson("20 digits", nodes.numberNode(new java.math.BigInteger("99999999999999999999"))));
			values.add(Value.lenientJson("-1", nodes.numberNode(-1)));
			values.add(Value.lenientJson("Long.MIN_VALUE", nodes.numberNode(Long.MIN_VALUE)));
			values.add(Value.lenientJson("Long.MAX_VALUE", nodes.numberNode(Long.MAX_VALUE)));
			values.add(Value.lenientJson("null", nodes.nullNode()));
		}
		else if (leaf.isBoolean()) {
			values.add(Value.strictJson("string", nodes.stringNode("yes")));
			values.add(Value.strictJson("number", nodes.numberNode(1)));
			values.add(Value.lenientJson("null", nodes.nullNode()));
		}
		else if (leaf.isArray()) {
			values.add(Value.strictJson("string", nodes.stringNode("a")));
			values.add(Value.lenientJson("empty array", nodes.arrayNode()));
			ArrayNode many = nodes.arrayNode();
			for (int i = 0; i < 10_000; i++) {
				many.add(leaf.isEmpty() ? nodes.numberNode(1) : leaf.get(0));
			}
			values.add(Value.strictJson("10000 elements", many));
		}
		return values;
	}

	// --- JSON helpers -----------------------------------------------------------------

	/**
	 * Paths of scalar leaves and of arrays, e.g. {@code plans}, {@code plans[0].price}.
	 */
	private static List<String> leafPaths(JsonNode node, String prefix) {
		List<String> paths = new ArrayList<>();
		if (node.isObject()) {
			for (String name : node.propertyNames()) {
				paths.addAll(leafPaths(node.get(name), prefix.isEmpty() ? name : prefix + "." + name));
			}
		}
		else if (node.isArray()) {
			paths.add(prefix);
			if (!node.isEmpty()) {
				paths.addAll(leafPaths(node.get(0), prefix + "[0]"));
			}
		}
		else {
			paths.add(prefix);
		}
		return paths;
	}

	private static JsonNode at(JsonNode root, String path) {
		JsonNode node = root;
		for (String step : steps(path)) {
			node = step.startsWith("[") ? node.get(Integer.parseInt(step.substring(1, step.length() - 1)))
					: node.get(step);
		}
		return node;
	}

	private static String replaced(JsonNode root, String path, JsonNode value) {
		JsonNode copy = root.deepCopy();
		List<String> steps = steps(path);
		JsonNode parent = copy;
		for (String step : steps.subList(0, steps.size() - 1)) {
			parent = step.startsWith("[") ? parent.get(Integer.parseInt(step.substring(1, step.length() - 1)))
					: parent.get(step);
		}
		String last = steps.get(steps.size() - 1);
		if (last.startsWith("[")) {
			((ArrayNode) parent).set(Integer.parseInt(last.substring(1, last.length() - 1)), value);
		}
		else {
			((ObjectNode) parent).set(last, value);
		}
		return JSON.writeValueAsString(copy).replace(LONE_SURROGATE_MARK, "\\ud800");
	}

	private static List<String> steps(String path) {
		List<String> steps = new ArrayList<>();
		for (String part : path.split("\\.")) {
			int bracket = part.indexOf('[');
			if (bracket < 0) {
				steps.add(part);
				continue;
			}
			if (bracket > 0) {
				steps.add(part.substring(0, bracket));
			}
			for (String index : part.substring(bracket).split("(?=\\[)")) {
				steps.add(index);
			}
		}
		return steps;
	}

	private static String addField(String sample, String name, String value) {
		JsonNode root = JSON.readTree(sample);
		if (root instanceof ObjectNode object) {
			object.put(name, value);
		}
		return JSON.writeValueAsString(root);
	}

	// --- small helpers ----------------------------------------------------------------

	private static String expand(String template, Map<String, String> values) {
		String result = template;
		for (Map.Entry<String, String> entry : values.entrySet()) {
			result = result.replace("{" + entry.getKey() + "}", entry.getValue());
		}
		return result;
	}

	private static String replaceParameter(String query, String name, String encodedValue) {
		return query.replaceFirst("([?&])" + java.util.regex.Pattern.quote(name) + "=[^&]*",
				"$1" + java.util.regex.Matcher.quoteReplacement(name + "=" + encodedValue));
	}

	private static boolean isNumber(Class<?> type) {
		return type == int.class || type == long.class || type == Integer.class || type == Long.class
				|| type == short.class || type == Short.class;
	}

	private static boolean isUuid(String text) {
		try {
			UUID.fromString(text);
			return text.length() == 36;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * One request to send.
	 *
	 * @param mustFail whether anything but a 4xx is a failure
	 */
	private record Attack(String name, String target, List<String> headers, byte[] body, String contentType,
			boolean mustFail) {

		/**
		 * Whether a proxy passes the hostile part on unchanged (body, query, path value).
		 */
		boolean forwarded() {
			return this.name.startsWith("body") || this.name.startsWith("query") || this.name.startsWith("path")
					|| this.name.startsWith("unknown query")
					|| (this.name.startsWith("header ") && this.name.endsWith("chars"));
		}

	}

	/**
	 * A hostile value: URL-encoded text for paths and queries, or a JSON node for bodies.
	 */
	private record Value(String name, String encoded, JsonNode json, boolean mustFail) {

		static Value strict(String name, String encoded) {
			return new Value(name, encoded, null, true);
		}

		static Value lenient(String name, String encoded) {
			return new Value(name, encoded, null, false);
		}

		static Value strictJson(String name, JsonNode json) {
			return new Value(name, null, json, true);
		}

		static Value lenientJson(String name, JsonNode json) {
			return new Value(name, null, json, false);
		}

	}

}
