package com.moa.bench.proto;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/** Bare Spring Cloud Gateway (WebFlux): one route, the resource-server chain, nothing else. */
@SpringBootApplication
public class WebfluxProto {

	public static void main(String[] args) {
		SpringApplication.run(WebfluxProto.class, args);
	}

	@Bean
	RouteLocator routes(RouteLocatorBuilder builder, @Value("${upstream}") String upstream) {
		return builder.routes().route("lookup", (r) -> r.path("/api/**").uri(upstream)).build();
	}

	@Bean
	SecurityWebFilterChain security(ServerHttpSecurity http) {
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.oauth2ResourceServer((oauth) -> oauth.jwt((jwt) -> {
			}))
			.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.build();
	}

}
