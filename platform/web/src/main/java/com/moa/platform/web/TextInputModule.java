package com.moa.platform.web;

import java.util.UUID;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Applies {@link TextRules} to every JSON string: read into a {@code String} (fields,
 * list elements, map values; multi-line where marked), and read into any other scalar
 * type (enums, timestamps, UUIDs), whose own deserializers would otherwise trim
 * surrounding control characters away. A violation fails deserialization with an
 * {@link InvalidText} carrying the JSON path, which the problem advice reports as a 400
 * naming the field.
 */
class TextInputModule extends SimpleModule {

	TextInputModule() {
		super("moa-text-input");
		addDeserializer(String.class, new CheckedStringDeserializer(false));
		setDeserializerModifier(new ValueDeserializerModifier() {

			@Override
			public ValueDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
					BeanDescription.Supplier description, ValueDeserializer<?> deserializer) {
				return new CheckedTextDeserializer(deserializer, false);
			}

			@Override
			public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config,
					BeanDescription.Supplier description, ValueDeserializer<?> deserializer) {
				Class<?> type = deserializer.handledType();
				if (type != null && type.getName().startsWith("java.time.")) {
					// API times are ISO-8601 strings; a number would be read as epoch
					// seconds.
					return new CheckedTextDeserializer(deserializer, true);
				}
				return (type == UUID.class) ? new CheckedTextDeserializer(deserializer, false) : deserializer;
			}

		});
	}

	/** The rejection of one string value; its message is the rule it broke. */
	static final class InvalidText extends MismatchedInputException {

		InvalidText(JsonParser parser, String message) {
			super(parser, message);
		}

	}

	/**
	 * Checks a string token (single-line rule) before the wrapped deserializer reads it.
	 */
	private static final class CheckedTextDeserializer extends DelegatingDeserializer {

		private final boolean textOnly;

		CheckedTextDeserializer(ValueDeserializer<?> delegate, boolean textOnly) {
			super(delegate);
			this.textOnly = textOnly;
		}

		@Override
		protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
			return new CheckedTextDeserializer(delegate, this.textOnly);
		}

		@Override
		public Object deserialize(JsonParser parser, DeserializationContext context) {
			if (this.textOnly && !parser.hasToken(JsonToken.VALUE_STRING) && !parser.hasToken(JsonToken.VALUE_NULL)) {
				throw new InvalidText(parser, "must be an ISO-8601 string");
			}
			if (parser.hasToken(JsonToken.VALUE_STRING)) {
				String violation = TextRules.violation(parser.getString(), false);
				if (violation != null) {
					throw new InvalidText(parser, violation);
				}
			}
			return super.deserialize(parser, context);
		}

	}

	private static final class CheckedStringDeserializer extends StringDeserializer {

		private final boolean multiLine;

		CheckedStringDeserializer(boolean multiLine) {
			this.multiLine = multiLine;
		}

		@Override
		public ValueDeserializer<?> createContextual(DeserializationContext context, BeanProperty property) {
			boolean multiLine = property != null && property.getAnnotation(MultiLineText.class) != null;
			return (multiLine == this.multiLine) ? this : new CheckedStringDeserializer(multiLine);
		}

		@Override
		public String deserialize(JsonParser parser, DeserializationContext context) {
			String value = super.deserialize(parser, context);
			if (value != null) {
				String violation = TextRules.violation(value, this.multiLine);
				if (violation != null) {
					throw new InvalidText(parser, violation);
				}
			}
			return value;
		}

		@Override
		public boolean isCachable() {
			return false;
		}

	}

}
