package com.moa.chat.ws;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * Spring's per-connection send buffer, except that a close waits (briefly) for the frames
 * already queued to be written.
 * <p>
 * Spring's decorator queues a frame when another thread is still writing to the
 * connection, and its {@code close} stops that thread's flush at once. So an ERROR frame
 * (a refused SUBSCRIBE, an expired token) sent while the previous frame — CONNECTED, say
 * — was still being written was dropped, and the client saw a bare 1002 close without the
 * reason. Spring has no option for this, hence the subclass.
 */
class DrainingSessionDecorator extends ConcurrentWebSocketSessionDecorator {

	/**
	 * Long enough for a healthy connection's queue to drain; a client that reads slower
	 * than that is not waited for (its frames may be lost with the close, as before).
	 */
	static final Duration DRAIN_LIMIT = Duration.ofMillis(250);

	private final Duration drainLimit;

	/**
	 * Frames sent but not yet written. Counted here rather than read from the buffer
	 * size, which drops before the frame taken from the buffer is written.
	 */
	private final AtomicInteger unwritten;

	DrainingSessionDecorator(WebSocketSession delegate, int sendTimeLimit, int bufferSizeLimit) {
		this(delegate, sendTimeLimit, bufferSizeLimit, DRAIN_LIMIT);
	}

	/** With another drain limit (tests: one that a slow machine does not miss). */
	DrainingSessionDecorator(WebSocketSession delegate, int sendTimeLimit, int bufferSizeLimit, Duration drainLimit) {
		this(delegate, sendTimeLimit, bufferSizeLimit, drainLimit, new AtomicInteger());
	}

	private DrainingSessionDecorator(WebSocketSession delegate, int sendTimeLimit, int bufferSizeLimit,
			Duration drainLimit, AtomicInteger unwritten) {
		super(new WritesCounted(delegate, unwritten), sendTimeLimit, bufferSizeLimit);
		this.drainLimit = drainLimit;
		this.unwritten = unwritten;
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		this.unwritten.incrementAndGet();
		super.sendMessage(message);
	}

	@Override
	public void close(CloseStatus status) throws IOException {
		// A connection over its buffer limit is closed because it does not read.
		if (!CloseStatus.SESSION_NOT_RELIABLE.equals(status)) {
			awaitQueuedFramesWritten();
		}
		super.close(status);
	}

	private void awaitQueuedFramesWritten() {
		long deadline = System.nanoTime() + this.drainLimit.toNanos();
		// A frame Spring dropped (over the limits, or a close already under way) is never
		// written: then the connection closes or the limit ends the wait.
		while (this.unwritten.get() > 0 && isOpen() && System.nanoTime() < deadline
				&& !Thread.currentThread().isInterrupted()) {
			LockSupport.parkNanos(100_000);
		}
	}

	/** The connection itself: counts a frame written once its write returns. */
	private static final class WritesCounted extends WebSocketSessionDecorator {

		private final AtomicInteger unwritten;

		WritesCounted(WebSocketSession delegate, AtomicInteger unwritten) {
			super(delegate);
			this.unwritten = unwritten;
		}

		@Override
		public void sendMessage(WebSocketMessage<?> message) throws IOException {
			try {
				super.sendMessage(message);
			}
			finally {
				this.unwritten.decrementAndGet();
			}
		}

	}

}
