package com.moa.chat.rooms;

import java.util.ArrayList;
import java.util.List;

import com.moa.platform.web.FieldError;
import com.moa.platform.web.InvalidInputException;
import com.moa.platform.web.TextRules;

/**
 * What a sent message must be, the same over REST and STOMP: text of 1..2,000 Unicode
 * code points (API.md; an emoji is one), not blank, no control characters but line breaks
 * and tabs; a {@code clientMessageId} of 1..100 characters.
 */
public final class MessageRules {

	public static final int MAX_TEXT = 2000;

	public static final int MAX_CLIENT_MESSAGE_ID = 100;

	private MessageRules() {
	}

	public static void check(String text, String clientMessageId) {
		List<FieldError> errors = new ArrayList<>();
		if (text == null || !TextRules.showsSomething(text)) {
			errors.add(new FieldError("text", "must not be blank"));
		}
		else if (TextRules.violation(text, true) != null) {
			errors.add(new FieldError("text", TextRules.violation(text, true)));
		}
		else if (text.codePointCount(0, text.length()) > MAX_TEXT) {
			errors.add(new FieldError("text", "must be at most " + MAX_TEXT + " characters"));
		}
		if (clientMessageId == null || clientMessageId.isBlank()) {
			errors.add(new FieldError("clientMessageId", "must not be blank"));
		}
		else if (TextRules.violation(clientMessageId, false) != null) {
			errors.add(new FieldError("clientMessageId", TextRules.violation(clientMessageId, false)));
		}
		else if (clientMessageId.length() > MAX_CLIENT_MESSAGE_ID) {
			errors.add(new FieldError("clientMessageId", "must be at most " + MAX_CLIENT_MESSAGE_ID + " characters"));
		}
		if (!errors.isEmpty()) {
			throw new InvalidInputException(errors);
		}
	}

}
