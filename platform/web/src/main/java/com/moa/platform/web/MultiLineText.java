package com.moa.platform.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JSON text field that may span lines: besides what {@link TextRules} allows
 * everywhere, it may hold tab, line feed and carriage return (a product description,
 * terms, a chat message). Every other text field is single-line.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT })
public @interface MultiLineText {

}
