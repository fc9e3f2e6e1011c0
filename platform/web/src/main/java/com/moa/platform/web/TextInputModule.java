package com.moa.platform.web;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Applies {@link TextRules} to every JSON string read into a {@code String} (fields, list
 * elements, map values). A violation fails deserialization with an {@link InvalidText}
 * carrying the JSON path, which the problem advice reports as a 400 naming the field.
 */
class TextInputModule extends SimpleModule {

	TextInputModule() {
		super("moa-text-input");
		addDeserializer(String.class, new CheckedStringDeserializer(false));
	}

	/** The rejection of one string value; its message is the rule it broke. */
	static final class InvalidText extends MismatchedInputException {

		InvalidText(JsonParser parser, String message) {
			super(parser, message);
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
