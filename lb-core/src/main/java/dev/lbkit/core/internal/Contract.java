package dev.lbkit.core.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a method guarantees about its result from its arguments, in JetBrains' contract language
 * ({@code "false, _, _ -> fail"}), so that NullAway knows that {@link Checks#checkArgument
 * checkArgument(x != null, ...)} returns only when {@code x} is not null. Read at compile time
 * only. Not part of the public API.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface Contract {
  /** The contract clauses, separated by {@code ;}. */
  String value();
}
