package com.moa.seller.product;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.regex.Pattern;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * Text that shows something: present, with at least one visible character. Stricter than
 * {@code @NotBlank}, which passes Unicode spaces (no-break, ideographic), format
 * characters (zero-width space) and the blank letters of Hangul and Braille, all of which
 * make a title, plan name or terms that the catalog, checkout and emails show as nothing.
 */
@Documented
@Constraint(validatedBy = VisibleText.Validator.class)
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT,
		ElementType.TYPE_USE })
@interface VisibleText {

	/**
	 * No bidirectional embedding, override or isolate (U+202A..U+202E, U+2066..U+2069):
	 * an unclosed one in a one-line field reorders what is shown after it in a listing or
	 * a receipt. LRM and RLM, which right-to-left text needs, stay allowed (as in
	 * auth-service's names).
	 */
	String NO_BIDI_CONTROLS = "[^\\u202A-\\u202E\\u2066-\\u2069]*";

	String message() default "must not be blank";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks for one character outside the invisible ones. */
	class Validator implements ConstraintValidator<VisibleText, CharSequence> {

		/**
		 * Whitespace, separators, controls, format characters, and the rest of Unicode's
		 * default-ignorable code points (Hangul fillers U+115F, U+1160, U+3164, U+FFA0,
		 * variation selectors, the grapheme joiner), plus the blank Braille pattern
		 * U+2800.
		 */
		private static final Pattern VISIBLE = Pattern.compile("[^\\s\\p{Z}\\p{Cc}\\p{Cf}\\u034F\\u115F\\u1160"
				+ "\\u17B4\\u17B5\\u180B-\\u180F\\u2800\\u3164\\uFE00-\\uFE0F\\uFFA0\\uFFF0-\\uFFF8"
				+ "\\x{1BCA0}-\\x{1BCA3}\\x{1D173}-\\x{1D17A}\\x{E0000}-\\x{E0FFF}]");

		@Override
		public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
			return value != null && VISIBLE.matcher(value).find();
		}

	}

}
