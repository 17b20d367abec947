package org.accountpurge.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against the real stack ({@link TestStack}): Keycloak behind a proxy its tests can freeze or
 * make refuse, and the tenant database through JDBC ({@link ProxiedStack}, a parameter of any {@code @BeforeAll},
 * {@code @BeforeEach} or test method), and the reference tenant seeded as {@link #seeding} says ({@link SeededTenant},
 * a parameter as well). The purge client's secret is {@link RealStackExtension#SECRET}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RealStackExtension.class)
public @interface RealStack {

    /** When the reference tenant is seeded afresh. */
    enum Seeding {
        /** Before each test, unless the test before it left the tenant untouched ({@link TenantUntouched}). */
        EACH_TEST,
        /** Once, before the class's tests: each test works on accounts of its own. */
        ONCE,
        /** Never: the tests seed what they need. */
        NONE
    }

    Seeding seeding() default Seeding.EACH_TEST;

    int users() default 300;

    int orgs() default 20;

    long seed() default 11;
}
