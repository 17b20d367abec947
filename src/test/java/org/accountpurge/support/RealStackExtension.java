package org.accountpurge.support;

import org.accountpurge.dev.SeedCommand;
import org.accountpurge.seed.TenantGenerator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What {@link RealStack} does: opens the {@link ProxiedStack} once per class (closed after it), heals the Keycloak
 * proxy before each test, and seeds the reference tenant when it has to: before a class's first test, and before each
 * later one whose predecessor may have changed it.
 */
public final class RealStackExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    /** The purge client's secret of every tenant these classes seed (one per test JVM). */
    public static final String SECRET = "test-" + Long.toHexString(System.nanoTime());

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealStack.class);

    /** The class's state: its stack, its tenant as last seeded, and whether a test may have changed it since. */
    private static final class State implements ExtensionContext.Store.CloseableResource {
        final ProxiedStack stack;
        SeededTenant tenant;
        boolean changed = true;

        State(ProxiedStack stack) {
            this.stack = stack;
        }

        @Override
        public void close() {
            stack.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        State state = new State(ProxiedStack.open());
        context.getStore(NAMESPACE).put(State.class, state);
        if (settings(context).seeding() == RealStack.Seeding.ONCE) {
            seed(state, settings(context));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        State state = state(context);
        state.stack.keycloak().heal();
        if (settings(context).seeding() == RealStack.Seeding.EACH_TEST && state.changed) {
            seed(state, settings(context));
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!context.getRequiredTestMethod().isAnnotationPresent(TenantUntouched.class)) {
            state(context).changed = true;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ProxiedStack.class || type == SeededTenant.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        State state = state(context);
        if (parameter.getParameter().getType() == ProxiedStack.class) {
            return state.stack;
        }
        if (state.tenant == null) {
            throw new IllegalStateException("no tenant is seeded: @RealStack(seeding = NONE)");
        }
        return state.tenant;
    }

    private static void seed(State state, RealStack settings) {
        state.tenant = new SeededTenant(SeedCommand.seed(TestStack.stack(), settings.users(), settings.orgs(),
                settings.seed(), SECRET, null), TenantGenerator.generate(settings.users(), settings.orgs(),
                settings.seed()));
        state.changed = false;
    }

    private static State state(ExtensionContext context) {
        ExtensionContext classContext = context.getTestClass().isPresent() && context.getTestMethod().isPresent()
                ? context.getParent().orElseThrow() : context;
        return classContext.getStore(NAMESPACE).get(State.class, State.class);
    }

    private static RealStack settings(ExtensionContext context) {
        return context.getRequiredTestClass().getAnnotation(RealStack.class);
    }
}
