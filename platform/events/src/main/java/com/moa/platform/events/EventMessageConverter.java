package com.moa.platform.events;

import java.nio.charset.StandardCharsets;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.MessageConversionException;
import org.springframework.amqp.support.converter.MessageConverter;

/**
 * Converts AMQP message bodies to {@link EventEnvelope}s (and back, for tests and tools).
 * An unreadable body raises a {@link MessageConversionException} caused by
 * {@link InvalidEventException}, which the listener container never retries.
 */
class EventMessageConverter implements MessageConverter {

	private final EventJson json;

	EventMessageConverter(EventJson json) {
		this.json = json;
	}

	@Override
	public Message toMessage(Object object, MessageProperties properties) {
		if (!(object instanceof EventEnvelope event)) {
			throw new MessageConversionException("Only EventEnvelope is supported, not " + object.getClass());
		}
		properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
		properties.setContentEncoding(StandardCharsets.UTF_8.name());
		properties.setMessageId(event.id().toString());
		properties.setType(event.type());
		return new Message(this.json.write(event).getBytes(StandardCharsets.UTF_8), properties);
	}

	@Override
	public Object fromMessage(Message message) {
		try {
			return this.json.read(message.getBody());
		}
		catch (InvalidEventException ex) {
			throw new MessageConversionException("Poison message: " + ex.getMessage(), ex);
		}
	}

}
