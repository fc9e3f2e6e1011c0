package com.moa.seller.product;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import com.moa.platform.web.TextRules;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * Text that shows something: present, with at least one
 * {@link TextRules#VISIBLE_CHARACTER}. Stricter than {@code @NotBlank}, which passes
 * Unicode spaces (no-break, ideographic), format characters (zero-width space) and the
 * blank letters of Hangul and Braille, all of which make a title, plan name or terms that
 * the catalog, checkout and emails show as nothing.
 */
@Documented
@Constraint(validatedBy = VisibleText.Validator.class)
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT,
		ElementType.TYPE_USE })
@interface VisibleText {

	String message() default "must not be blank";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks for one character outside the invisible ones. */
	class Validator implements ConstraintValidator<VisibleText, CharSequence> {

		@Override
		public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
			return value != null && TextRules.showsSomething(value);
		}

	}

}
