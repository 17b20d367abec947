package org.accountpurge.store.search;

import java.util.List;

/** The few queries the purge runs, in words each engine translates to its client's query type. */
public sealed interface DocQuery {

    /** Documents whose {@code field} holds one of {@code values} (a keyword field, or a path through objects). */
    record Terms(String field, List<String> values) implements DocQuery {
    }

    /** Documents whose id is one of {@code ids}. */
    record Ids(List<String> ids) implements DocQuery {
    }

    /** Documents {@code own} finds that hold at least one of {@code fields}. */
    record HoldingAny(DocQuery own, List<String> fields) implements DocQuery {
    }

    /** Every document. */
    record All() implements DocQuery {
    }
}
