package com.moa.gateway.problem;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.netty.NettyPipeline;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Requests Netty's HTTP decoder refuses (a control byte in a header, a header block or
 * request line too long) are answered by Reactor Netty itself with an empty 400, 431 or
 * 414 before the gateway sees them. Reactor Netty has no hook for that answer, so a
 * handler right after the codec gives these empty refusals a problem JSON body, like
 * every other answer of the gateway.
 */
@Component
class ProtocolErrorBodies implements NettyServerCustomizer {

	private static final Set<Integer> DECODER_FAILURES = Set.of(400, 413, 414, 431);

	@Override
	public reactor.netty.http.server.HttpServer apply(reactor.netty.http.server.HttpServer server) {
		// doOnChannelInit runs once the codec and Reactor Netty's own handlers are in
		// place.
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				channel.pipeline().addAfter(NettyPipeline.HttpCodec, ProblemBodyHandler.NAME, new ProblemBodyHandler());
			}
		});
	}

	private static final class ProblemBodyHandler extends ChannelDuplexHandler {

		static final String NAME = "moa.protocolErrorProblems";

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
			if (msg instanceof FullHttpResponse response && DECODER_FAILURES.contains(response.status().code())
					&& response.content().readableBytes() == 0
					&& !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
				int status = response.status().code();
				HttpStatus known = HttpStatus.resolve(status);
				String title = (known != null) ? known.getReasonPhrase() : "Bad Request";
				byte[] body = ("{\"type\":\"" + ProblemResponses.TYPE_PREFIX + "malformed-request\",\"title\":\""
						+ title + "\",\"status\":" + status
						+ ",\"detail\":\"The request could not be read (request line, headers or encoding)\"}")
					.getBytes(StandardCharsets.UTF_8);
				FullHttpResponse problem = new DefaultFullHttpResponse(response.protocolVersion(), response.status(),
						Unpooled.wrappedBuffer(body), response.headers().copy(), response.trailingHeaders().copy());
				problem.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
				problem.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
				response.release();
				super.write(ctx, problem, promise);
				return;
			}
			super.write(ctx, msg, promise);
		}

	}

}
