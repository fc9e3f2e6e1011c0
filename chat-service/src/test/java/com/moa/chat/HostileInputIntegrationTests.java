package com.moa.chat;

import java.util.List;
import java.util.UUID;

import com.moa.platform.testing.Endpoint;
import com.moa.platform.testing.HostileInputs;
import com.moa.platform.testing.MvcEndpoints;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared hostile-input kit against every REST endpoint of chat-service, over real
 * HTTP with a participant's token: no input gets a 5xx, every refusal is problem JSON.
 * (Hostile STOMP frames: StompIntegrationTests.)
 */
class HostileInputIntegrationTests extends ChatIntegrationTestSupport {

	@Autowired
	ApplicationContext context;

	@Test
	void noEndpointAnswersHostileInputWithA5xx() {
		UUID[] room = room();
		List<Endpoint> endpoints = MvcEndpoints.of(this.context);
		assertThat(endpoints).extracting(Endpoint::key)
			.contains("POST /api/chat/rooms", "GET /api/chat/rooms", "GET /api/chat/rooms/{roomId}/messages",
					"POST /api/chat/rooms/{roomId}/messages", "POST /api/chat/rooms/{roomId}/read");
		post(this.port, "/api/chat/rooms/" + room[0] + "/messages", room[1],
				java.util.Map.of("text", "hi", "clientMessageId", "1"));
		HostileInputs kit = HostileInputs.against(this.port)
			.headers(HostileInputs.credentials(token(room[1], "CONSUMER"), "dev-operator-key"))
			.pathSample("roomId", () -> room[0].toString())
			.bodySample("POST /api/chat/rooms", "{\"sellerId\":\"" + room[2] + "\"}")
			.bodySample("POST /api/chat/rooms/{roomId}/messages", "{\"text\":\"hello\",\"clientMessageId\":\"k\"}")
			.bodySample("POST /api/chat/rooms/{roomId}/read", "{\"upToSeq\":1}");
		assertThat(kit.probe(endpoints)).isEmpty();
		assertThat(kit.requestsSent()).isGreaterThan(100);
	}

}
