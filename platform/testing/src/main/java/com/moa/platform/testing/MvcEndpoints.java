package com.moa.platform.testing;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.BeanUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.annotation.ModelAttributeMethodProcessor;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every {@code @RequestMapping} endpoint of a servlet service, read from its handler
 * mapping, so {@link HostileInputs} covers an endpoint the day it is added: path
 * variables, query parameters (also those bound to a parameter object such as
 * {@code PageQuery}), bound headers, and a sample JSON body built from the
 * {@code @RequestBody} type.
 */
public final class MvcEndpoints {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private MvcEndpoints() {
	}

	/** The service's own endpoints (Spring's error endpoint excluded). */
	public static List<Endpoint> of(ApplicationContext context) {
		List<HandlerMethodArgumentResolver> resolvers = new ArrayList<>();
		context.getBeansOfType(RequestMappingHandlerAdapter.class)
			.values()
			.forEach((adapter) -> resolvers.addAll(adapter.getArgumentResolvers()));
		List<Endpoint> endpoints = new ArrayList<>();
		for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class)
			.values()) {
			mapping.getHandlerMethods().forEach((info, method) -> endpoints.addAll(endpoints(info, method, resolvers)));
		}
		endpoints.sort(java.util.Comparator.comparing(Endpoint::key));
		return endpoints;
	}

	private static List<Endpoint> endpoints(RequestMappingInfo info, HandlerMethod handler,
			List<HandlerMethodArgumentResolver> resolvers) {
		if (handler.getBeanType().getName().startsWith("org.springframework.boot")) {
			return List.of();
		}
		Map<String, Class<?>> pathVariables = new LinkedHashMap<>();
		Map<String, Class<?>> query = new LinkedHashMap<>();
		List<String> headers = new ArrayList<>();
		String body = null;
		for (MethodParameter parameter : handler.getMethodParameters()) {
			parameter.initParameterNameDiscovery(new org.springframework.core.DefaultParameterNameDiscoverer());
			Class<?> type = parameter.getParameterType();
			PathVariable pathVariable = parameter.getParameterAnnotation(PathVariable.class);
			RequestParam requestParam = parameter.getParameterAnnotation(RequestParam.class);
			RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
			if (pathVariable != null) {
				pathVariables.put(name(pathVariable.name(), pathVariable.value(), parameter), type);
			}
			else if (requestParam != null) {
				query.put(name(requestParam.name(), requestParam.value(), parameter), type);
			}
			else if (header != null) {
				headers.add(name(header.name(), header.value(), parameter));
			}
			else if (parameter.hasParameterAnnotation(RequestBody.class)) {
				body = JSON.writeValueAsString(sample(parameter.getGenericParameterType(), "body", 0));
			}
			else if (type.isRecord() && boundFromQuery(parameter, resolvers)) {
				// A parameter object bound from the query (PageQuery).
				for (RecordComponent component : type.getRecordComponents()) {
					query.put(component.getName(), component.getType());
				}
			}
		}
		Collection<String> patterns = info.getPatternValues();
		List<String> methods = info.getMethodsCondition().getMethods().stream().map(Enum::name).sorted().toList();
		List<Endpoint> endpoints = new ArrayList<>();
		for (String pattern : patterns) {
			for (String method : methods.isEmpty() ? List.of("GET") : methods) {
				endpoints.add(new Endpoint(method, pattern, pathVariables, query, headers, body));
			}
		}
		return endpoints;
	}

	/** Whether MVC binds the parameter as a model attribute (from query parameters). */
	private static boolean boundFromQuery(MethodParameter parameter, List<HandlerMethodArgumentResolver> resolvers) {
		for (HandlerMethodArgumentResolver resolver : resolvers) {
			if (resolver.supportsParameter(parameter)) {
				return resolver instanceof ModelAttributeMethodProcessor;
			}
		}
		return false;
	}

	private static String name(String name, String value, MethodParameter parameter) {
		if (!name.isEmpty()) {
			return name;
		}
		return value.isEmpty() ? parameter.getParameterName() : value;
	}

	/**
	 * A plausible JSON value for a Java type; field names steer strings (email, url, …).
	 */
	static JsonNode sample(Type type, String name, int depth) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		Class<?> raw = raw(type);
		if (raw == String.class) {
			return nodes.stringNode(sampleString(name));
		}
		if (raw == UUID.class) {
			return nodes.stringNode(UUID.randomUUID().toString());
		}
		if (raw == Instant.class) {
			return nodes.stringNode(Instant.now().plusSeconds(3600).toString());
		}
		if (raw == boolean.class || raw == Boolean.class) {
			return nodes.booleanNode(true);
		}
		if (BeanUtils.isSimpleValueType(raw) && (Number.class.isAssignableFrom(raw) || raw.isPrimitive())) {
			return (raw == BigDecimal.class) ? nodes.numberNode(BigDecimal.ONE) : nodes.numberNode(1000);
		}
		if (raw.isEnum()) {
			return nodes.stringNode(raw.getEnumConstants()[0].toString());
		}
		if (Collection.class.isAssignableFrom(raw) && type instanceof ParameterizedType parameterized) {
			return nodes.arrayNode().add(sample(parameterized.getActualTypeArguments()[0], name, depth + 1));
		}
		if (raw.isRecord() && depth < 5) {
			ObjectNode object = nodes.objectNode();
			for (RecordComponent component : raw.getRecordComponents()) {
				if (component.getType() == UUID.class && component.getName().equals("id")) {
					// An optional id in a request refers to an existing object: leave it
					// out.
					continue;
				}
				object.set(component.getName(), sample(component.getGenericType(), component.getName(), depth + 1));
			}
			return object;
		}
		return nodes.nullNode();
	}

	private static String sampleString(String name) {
		String lower = name.toLowerCase(java.util.Locale.ROOT);
		if (lower.contains("email")) {
			return "hostile-" + UUID.randomUUID() + "@example.com";
		}
		if (lower.contains("password")) {
			return "correct horse battery staple";
		}
		if (lower.contains("url")) {
			return "https://example.com/image.png";
		}
		if (lower.contains("locale")) {
			return "ko";
		}
		if (lower.contains("token")) {
			return "tok_ok";
		}
		return "sample " + name;
	}

	private static Class<?> raw(Type type) {
		if (type instanceof Class<?> cls) {
			return cls;
		}
		if (type instanceof ParameterizedType parameterized) {
			return (Class<?>) parameterized.getRawType();
		}
		return Object.class;
	}

}
