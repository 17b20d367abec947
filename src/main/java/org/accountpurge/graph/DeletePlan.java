package org.accountpurge.graph;

import java.util.List;

/**
 * The ordered work that removes accounts of one kind from the database, derived from the foreign keys.
 *
 * <ul>
 *   <li>{@code protect}: for each protect edge and each way its target reaches the root, a check that retains
 *       the accounts that have such rows;</li>
 *   <li>{@code operations}: set-null and delete operations in an order where nothing is deleted while other
 *       rows still reference it: referencing tables first, each table's incoming set-null edges just before it;
 *       the root table last.</li>
 *   <li>{@code edgesUsed}: every foreign key edge the plan walks (deleted through, nulled or protected): a rule for
 *       an edge no kind's plan uses does nothing, and the preflight refuses it.</li>
 * </ul>
 */
public record DeletePlan(RootTable root, List<ProtectCheck> protect, List<Operation> operations, List<String> warnings,
                         java.util.Set<String> edgesUsed) {

    public DeletePlan {
        protect = List.copyOf(protect);
        operations = List.copyOf(operations);
        warnings = List.copyOf(warnings);
        edgesUsed = java.util.Set.copyOf(edgesUsed);
    }

    /** Delete or null rows reached through {@code paths}; the root table's own operation has no path. */
    public sealed interface Operation permits Delete, SetNull, Reassign, Scrub {
        String table();

        List<JoinPath> paths();
    }

    /** Delete rows of {@code table} reached through any of {@code paths} (empty for the root table itself). */
    public record Delete(String table, List<JoinPath> paths) implements Operation {
        public Delete {
            paths = List.copyOf(paths);
        }
    }

    /**
     * Null {@code column} of rows of the edge's table that reference rows about to be deleted: those of the
     * edge's target reached through {@code targetPaths} (empty when the target is the root).
     */
    public record SetNull(ForeignKey edge, List<JoinPath> targetPaths) implements Operation {
        public SetNull {
            targetPaths = List.copyOf(targetPaths);
        }

        @Override
        public String table() {
            return edge.table();
        }

        @Override
        public List<JoinPath> paths() {
            return targetPaths;
        }
    }

    /**
     * Point {@code column} of the edge's rows that reference the accounts at {@code successor} (an account of the same
     * kind that stays), keeping the rows: content, batches, created-by columns outlive their creator. With
     * {@code successorQuery} each row's successor is what that query picks for it ({@code successor} is then null).
     */
    public record Reassign(ForeignKey edge, String successor, String successorQuery) implements Operation {

        public Reassign(ForeignKey edge, String successor) {
            this(edge, successor, null);
        }

        /** Whether each row's successor is picked by a query (not the kind's fixed successor). */
        public boolean picked() {
            return successorQuery != null;
        }

        @Override
        public String table() {
            return edge.table();
        }

        @Override
        public List<JoinPath> paths() {
            return List.of();
        }
    }

    /**
     * Scrub instead of delete the account's own row of {@code table} (the root): its {@code columns} are cleared,
     * set or hashed and the row is kept, so that what references it stays valid ({@code purge.scrub}).
     */
    public record Scrub(String table, List<ScrubColumn> columns) implements Operation {
        public Scrub {
            columns = List.copyOf(columns);
        }

        @Override
        public List<JoinPath> paths() {
            return List.of();
        }
    }

    /**
     * This plan with the root's own delete replaced by a {@link Scrub} of {@code columns}; the plan as it is when
     * there are none. The other operations stay: the account's dependants go (or are nulled, reassigned) by their
     * rules.
     */
    public DeletePlan scrubbingRoot(List<ScrubColumn> columns) {
        if (columns.isEmpty()) {
            return this;
        }
        List<Operation> scrubbed = operations.stream().map(o -> o instanceof Delete d && d.paths().isEmpty()
                && d.table().equals(root.table()) ? (Operation) new Scrub(d.table(), columns) : o).toList();
        return new DeletePlan(root, protect, scrubbed, warnings, edgesUsed);
    }

    /** The root's scrub, when the plan keeps the root row. */
    public java.util.Optional<Scrub> scrub() {
        return operations.stream().filter(o -> o instanceof Scrub).map(o -> (Scrub) o).findFirst();
    }

    /** Accounts with a row of {@code edge.table()} referencing their rows of the edge's target are retained. */
    public record ProtectCheck(ForeignKey edge, List<JoinPath> targetPaths) {
        public ProtectCheck {
            targetPaths = List.copyOf(targetPaths);
        }

        public String reason() {
            return "fk:" + edge.edge();
        }
    }

    /** The reassign operations: each edge whose rows go to the successor. */
    public List<Reassign> reassigns() {
        return operations.stream().filter(o -> o instanceof Reassign).map(o -> (Reassign) o).toList();
    }

    /** Every table this plan deletes from, in order. */
    public List<String> deletedTables() {
        return operations.stream().filter(o -> o instanceof Delete).map(Operation::table).toList();
    }
}
