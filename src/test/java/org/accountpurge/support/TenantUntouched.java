package org.accountpurge.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test of a {@link RealStack} class that changes nothing in any store (a command line refused before anything
 * starts): the next test finds the tenant as seeded, so it is not seeded again. A test that purges, disables or
 * re-creates anything must not carry it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface TenantUntouched {
}
