package org.accountpurge.support;

import java.nio.file.Path;
import org.accountpurge.stack.LocalStack;
import org.accountpurge.stack.StackEndpoints;
import org.accountpurge.store.search.SearchServer;

/**
 * One real stack for the whole test JVM, started on first use; its shutdown hook stops it (and every
 * server process) when the JVM exits, whether the tests passed or not.
 */
public final class TestStack {

    private static LocalStack stack;

    private TestStack() {
    }

    public static synchronized LocalStack stack() {
        if (stack == null) {
            stack = LocalStack.start(Path.of("target/stack"));
        }
        return stack;
    }

    public static StackEndpoints endpoints() {
        return stack().endpoints();
    }

    /** The endpoints with {@code search}'s server (a second search server is started on first ask). */
    public static StackEndpoints endpoints(SearchServer.Engine search) {
        return stack().endpoints(search);
    }

    /** ... of that version. */
    public static StackEndpoints endpoints(SearchServer.Engine search, String version) {
        return stack().endpoints(search, version);
    }
}
