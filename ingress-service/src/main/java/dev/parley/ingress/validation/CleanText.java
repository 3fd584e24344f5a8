package dev.parley.ingress.validation;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Text a person could have typed: no NUL or other control characters (tab, line feed and carriage
 * return excepted), no unpaired surrogate halves, no Unicode non-characters. Such input helps no
 * one and breaks what lies downstream (PostgreSQL refuses NUL in text, a lone surrogate is not
 * UTF-8), so it is refused at the edge with a 400 naming the field. Null is valid (use
 * {@code @NotNull} for required fields).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = CleanTextValidator.class)
public @interface CleanText {

  String message() default "must not contain control characters or invalid Unicode";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}
