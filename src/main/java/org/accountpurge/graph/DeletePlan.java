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
     * Scrub instead of delete the account's rows of {@code table} — its own row (the root, no paths) or a dependant's
     * rows reached along {@code paths}: their {@code columns} are cleared, set or hashed and the rows are kept, so
     * that what references them stays valid ({@code purge.scrub}).
     */
    public record Scrub(String table, List<ScrubColumn> columns, List<JoinPath> paths) implements Operation {
        public Scrub {
            columns = List.copyOf(columns);
            paths = List.copyOf(paths);
        }

        public Scrub(String table, List<ScrubColumn> columns) {
            this(table, columns, List.of());
        }
    }

    /**
     * This plan with the root's own delete replaced by a {@link Scrub} of {@code columns}; the plan as it is when
     * there are none. The other operations stay: the account's dependants go (or are nulled, reassigned) by their
     * rules.
     */
    public DeletePlan scrubbingRoot(List<ScrubColumn> columns) {
        return scrubbing(columns, java.util.Map.of());
    }

    /**
     * ... and the deletes of the dependant tables in {@code tables} replaced by scrubs of their columns (the rows kept).
     * A dependant's rows can only be kept when every row they hang off is kept too: the root is scrubbed, and every
     * table on each of its paths to the root is scrubbed as well.
     *
     * @throws PlanException naming each table that cannot be scrubbed, and why
     */
    public DeletePlan scrubbing(List<ScrubColumn> rootColumns, java.util.Map<String, List<ScrubColumn>> tables) {
        if (rootColumns.isEmpty() && tables.isEmpty()) {
            return this;
        }
        List<String> problems = new java.util.ArrayList<>();
        java.util.Set<String> kept = new java.util.HashSet<>(tables.keySet());
        if (!rootColumns.isEmpty()) {
            kept.add(root.table());
        }
        for (String table : new java.util.TreeSet<>(tables.keySet())) {
            java.util.Optional<Delete> delete = operations.stream().filter(o -> o instanceof Delete d
                    && d.table().equals(table) && !table.equals(root.table())).map(o -> (Delete) o).findFirst();
            if (delete.isEmpty()) {
                problems.add("purge.scrub." + root.kind() + ".tables: " + table + " is not a table whose rows the"
                        + " account's deletion removes (its rows are reached by no delete edge)");
                continue;
            }
            for (JoinPath path : delete.get().paths()) {
                List<String> on = new java.util.ArrayList<>();
                path.hops().forEach(hop -> on.add(hop.refTable()));
                on.stream().filter(t -> !kept.contains(t)).findFirst().ifPresent(t -> problems.add("purge.scrub."
                        + root.kind() + ".tables: " + table + " cannot keep its rows: they hang off rows of " + t
                        + ", which are deleted (scrub " + t + (t.equals(root.table()) ? " (the root)" : "")
                        + " too, or delete " + table + ")"));
            }
        }
        if (!problems.isEmpty()) {
            throw new PlanException(root.kind(), problems.stream().distinct().toList());
        }
        List<Operation> scrubbed = operations.stream().map(o -> {
            if (o instanceof Delete d && d.paths().isEmpty() && d.table().equals(root.table()) && !rootColumns.isEmpty()) {
                return (Operation) new Scrub(d.table(), rootColumns);
            }
            if (o instanceof Delete d && tables.containsKey(d.table()) && !d.table().equals(root.table())) {
                return (Operation) new Scrub(d.table(), tables.get(d.table()), d.paths());
            }
            return o;
        }).toList();
        return new DeletePlan(root, protect, scrubbed, warnings, edgesUsed);
    }

    /** The root's scrub, when the plan keeps the root row. */
    public java.util.Optional<Scrub> scrub() {
        return operations.stream().filter(o -> o instanceof Scrub s && s.paths().isEmpty()).map(o -> (Scrub) o)
                .findFirst();
    }

    /** Every scrub of the plan: the root's and the dependants'. */
    public List<Scrub> scrubs() {
        return operations.stream().filter(o -> o instanceof Scrub).map(o -> (Scrub) o).toList();
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
