package com.moa.auth.user;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.IDN;
import java.util.Locale;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * An address mail-service can write to SMTP, with no invisible or look-alike characters
 * in its local part: the local part printable ASCII, the domain ASCII or an
 * internationalized domain in its canonical form.
 *
 * <p>
 * Bean Validation's {@code @Email} also takes any character above U+007F in the local
 * part, so {@code ali\u200Bce@} (a zero-width space) or {@code аlice@} (a Cyrillic a) was
 * a second account that reads exactly like another one, and one mail-service can never
 * write to (a non-ASCII local part needs SMTPUTF8). A domain IDNA would map to another
 * one ({@code exa\u200Bmple.com} is {@code example.com}) is refused for the same reason.
 * The check is {@code java.net.IDN}'s IDNA 2003, the conversion mail-service sends with:
 * a domain it maps elsewhere ({@code straße.de} to {@code strasse.de}) or cannot write
 * (characters newer than Unicode 3.2, ZWJ/ZWNJ) is refused here rather than misdirected
 * or never mailed. Look-alike domains (a Cyrillic letter in one) are other mailboxes and
 * are not refused. The address must also fit SMTP's 254 characters in its ASCII form.
 */
@Documented
@Constraint(validatedBy = DeliverableEmail.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@interface DeliverableEmail {

	String message() default "must have a plain ASCII local part and a valid domain";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	class Validator implements ConstraintValidator<DeliverableEmail, String> {

		private static final int MAX_LENGTH = 254;

		@Override
		public boolean isValid(String email, ConstraintValidatorContext context) {
			int at = (email != null) ? email.lastIndexOf('@') : -1;
			if (at < 0) {
				return true; // @NotBlank and @Email speak for it
			}
			String domain = email.substring(at + 1);
			if (!printableAscii(email.substring(0, at))) {
				return false;
			}
			if (printableAscii(domain)) {
				return true; // @Size speaks for its length
			}
			if (!canonicalIdn(domain)) {
				return false;
			}
			if (at + 1 + IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).length() > MAX_LENGTH) {
				// SMTP's limit is on the ASCII form (RFC 5321 4.5.3.1.3), which punycode
				// lengthens: 127 Hangul-domain characters can be 269 on the wire, an
				// address no mail could be sent to.
				context.disableDefaultConstraintViolation();
				context
					.buildConstraintViolationWithTemplate(
							"must be at most " + MAX_LENGTH + " characters with its domain written in ASCII")
					.addConstraintViolation();
				return false;
			}
			return true;
		}

		private static boolean printableAscii(String text) {
			return text.chars().allMatch((c) -> c > 0x20 && c < 0x7F);
		}

		private static boolean canonicalIdn(String domain) {
			try {
				return UserRepository.canonicalDomain(domain).equals(domain.toLowerCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				return false;
			}
		}

	}

}
