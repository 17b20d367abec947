package org.accountpurge.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the database's foreign keys and the configured rule per edge into a {@link DeletePlan}, or refuses
 * with every problem at once: edges without a rule, rules for edges that do not exist, set-null on a NOT NULL
 * column, cycles through delete edges. Pure: no database, fully unit-testable.
 */
public final class DeletePlanner {

    /** More ways than this for one table to reach an account is almost certainly a modelling mistake. */
    static final int MAX_PATHS_PER_TABLE = 64;

    private DeletePlanner() {
    }

    /**
     * A rule the plans of every configured kind leave unused ({@code edgesUsed} of each plan): an edge no account's
     * deletion ever reaches — it hangs off rows that are protected, nulled, or of no configured kind — so the rule
     * does nothing (a {@code set-null} on a NOT NULL column included, which would be refused if it were reached).
     * One problem per such rule, in name order.
     */
    public static List<String> unusedRules(Map<String, EdgeRule> rules, List<DeletePlan> plans) {
        Set<String> used = new HashSet<>();
        plans.forEach(plan -> used.addAll(plan.edgesUsed()));
        return new TreeMap<>(rules).entrySet().stream().filter(rule -> !used.contains(rule.getKey()))
                .map(rule -> "purge.edges." + rule.getValue().configName() + " names " + rule.getKey() + ", which no"
                        + " configured kind's deletion reaches (its rows hang off rows that are protected, nulled or"
                        + " of no configured kind): the rule would do nothing; remove it")
                .toList();
    }

    /**
     * @param rules       rule per edge name ({@code table.column}); rules for other roots' edges are fine
     * @param defaultRule rule for edges without one, or null to refuse such edges
     */
    public static DeletePlan plan(RootTable root, List<ForeignKey> foreignKeys, Map<String, EdgeRule> rules,
                                  EdgeRule defaultRule) {
        return plan(root, foreignKeys, rules, defaultRule, null);
    }

    /**
     * ... with {@code successor}: the account of this kind that {@code reassign} edges point their rows at (null: none;
     * then a reassign edge this kind's deletion reaches is a problem).
     */
    public static DeletePlan plan(RootTable root, List<ForeignKey> foreignKeys, Map<String, EdgeRule> rules,
                                  EdgeRule defaultRule, String successor) {
        return plan(root, foreignKeys, rules, defaultRule, successor, Map.of());
    }

    /**
     * ... and {@code successorQueries}: per reassign edge, the query that picks each row's successor in place of
     * {@code successor}.
     */
    public static DeletePlan plan(RootTable root, List<ForeignKey> foreignKeys, Map<String, EdgeRule> rules,
                                  EdgeRule defaultRule, String successor, Map<String, String> successorQueries) {
        List<String> problems = new ArrayList<>();
        Map<String, List<ForeignKey>> incoming = new TreeMap<>();
        Set<String> edges = new TreeSet<>();
        for (ForeignKey fk : foreignKeys) {
            incoming.computeIfAbsent(fk.refTable(), t -> new ArrayList<>()).add(fk);
            edges.add(fk.edge());
        }
        incoming.values().forEach(l -> l.sort(Comparator.comparing(ForeignKey::edge)));
        for (String ruled : new TreeSet<>(rules.keySet())) {
            if (!edges.contains(ruled)) {
                problems.add("a rule names " + ruled + ", but the database has no such foreign key");
            }
        }

        Walk walk = walk(root, incoming, rules, defaultRule, problems);
        for (ForeignKey fk : walk.reassigns()) {
            if (!fk.refTable().equals(root.table()) || !fk.refColumns().equals(List.of(root.idColumn()))) {
                problems.add("reassign on " + fk.edge() + ", but it references " + fk.refTable() + " " + fk.refColumns()
                        + ": only an edge to the account's own row (" + root.table() + "." + root.idColumn() + ") can"
                        + " be reassigned to a successor account");
            } else if ((successor == null || successor.isBlank()) && !successorQueries.containsKey(fk.edge())) {
                problems.add("reassign on " + fk.edge() + ", but " + root.kind() + " accounts have no successor: set"
                        + " purge.edges.successor." + root.kind() + " or a successor query for the edge");
            }
        }
        Set<String> unruled = walk.unruled();
        Map<String, List<ForeignKey>> deleteEdgesFrom = walk.deleteEdgesFrom();
        List<ForeignKey> setNulls = walk.setNulls();
        if (!unruled.isEmpty()) {
            problems.add("no rule for foreign key edge(s) " + String.join(", ", unruled)
                    + ": add each to purge.edges.delete, set-null or protect, or set purge.edges.default");
        }
        if (!problems.isEmpty()) {
            throw new PlanException(root.kind(), problems);
        }

        Set<String> deleted = walk.reached(); // with no unruled edge, all reached is reached through delete edges
        List<String> cycle = findCycle(deleted, deleteEdgesFrom);
        if (cycle != null) {
            throw new PlanException(root.kind(), List.of("cycle through delete edges " + String.join(" -> ", cycle)
                    + ": rows can never be deleted in order; make one of these edges set-null or protect"));
        }

        Map<String, List<JoinPath>> paths = new HashMap<>();
        for (String table : deleted) {
            paths(table, root, deleteEdgesFrom, paths, problems);
        }
        if (!problems.isEmpty()) {
            throw new PlanException(root.kind(), problems);
        }

        return assemble(root, order(root, deleted, deleteEdgesFrom, setNulls), paths, walk, successor,
                successorQueries);
    }

    /** The tables an account's rows can be in, found from the root along the foreign keys, and each edge's rule. */
    private record Walk(Set<String> reached, Map<String, List<ForeignKey>> deleteEdgesFrom, List<ForeignKey> setNulls,
                        List<ForeignKey> protects, List<ForeignKey> reassigns, Set<String> unruled) {
    }

    /**
     * Walks every table that can hold rows of an account. An edge without a rule is walked as if it were
     * {@code delete}, so that every unruled edge behind it is reported too.
     */
    private static Walk walk(RootTable root, Map<String, List<ForeignKey>> incoming, Map<String, EdgeRule> rules,
                             EdgeRule defaultRule, List<String> problems) {
        Set<String> unruled = new TreeSet<>();
        Set<String> reached = new LinkedHashSet<>();
        Map<String, List<ForeignKey>> deleteEdgesFrom = new HashMap<>();
        List<ForeignKey> setNulls = new ArrayList<>();
        List<ForeignKey> protects = new ArrayList<>();
        List<ForeignKey> reassigns = new ArrayList<>();
        Deque<String> queue = new ArrayDeque<>(List.of(root.table()));
        reached.add(root.table());
        while (!queue.isEmpty()) {
            String table = queue.poll();
            for (ForeignKey fk : incoming.getOrDefault(table, List.of())) {
                EdgeRule rule = rules.getOrDefault(fk.edge(), defaultRule);
                if (rule == null) {
                    unruled.add(fk.edge());
                } else if (rule == EdgeRule.SET_NULL) {
                    if (!fk.nullable()) {
                        problems.add("set-null on " + fk.edge() + ", but the column is NOT NULL");
                    }
                    setNulls.add(fk);
                    continue;
                } else if (rule == EdgeRule.PROTECT) {
                    protects.add(fk);
                    continue;
                } else if (rule == EdgeRule.REASSIGN) {
                    reassigns.add(fk);
                    continue;
                } else {
                    deleteEdgesFrom.computeIfAbsent(fk.table(), t -> new ArrayList<>()).add(fk);
                }
                if (reached.add(fk.table())) {
                    queue.add(fk.table());
                }
            }
        }
        return new Walk(reached, deleteEdgesFrom, setNulls, protects, reassigns, unruled);
    }

    /** The plan: per table in order its set-nulls then its delete, the protect checks, and the unindexed edges. */
    private static DeletePlan assemble(RootTable root, List<String> order, Map<String, List<JoinPath>> paths,
                                       Walk walk, String successor, Map<String, String> successorQueries) {
        List<ForeignKey> setNulls = walk.setNulls();
        List<ForeignKey> protects = walk.protects();
        List<DeletePlan.Operation> operations = new ArrayList<>();
        // reassign edges reference the root: they go first, while a successor query still sees all of the account
        // (its memberships, its org), which the deletes after them remove
        walk.reassigns().stream().sorted(Comparator.comparing(ForeignKey::edge))
                .forEach(fk -> operations.add(successorQueries.containsKey(fk.edge())
                        ? new DeletePlan.Reassign(fk, null, successorQueries.get(fk.edge()))
                        : new DeletePlan.Reassign(fk, successor)));
        for (String table : order) {
            setNulls.stream().filter(fk -> fk.refTable().equals(table)).sorted(Comparator.comparing(ForeignKey::edge))
                    .forEach(fk -> operations.add(new DeletePlan.SetNull(fk, paths.get(table))));
            operations.add(new DeletePlan.Delete(table, paths.get(table)));
        }
        List<DeletePlan.ProtectCheck> checks = protects.stream().sorted(Comparator.comparing(ForeignKey::edge))
                .map(fk -> new DeletePlan.ProtectCheck(fk, paths.get(fk.refTable()))).toList();

        List<String> warnings = new ArrayList<>();
        List<ForeignKey> used = new ArrayList<>(setNulls);
        used.addAll(protects);
        used.addAll(walk.reassigns());
        walk.deleteEdgesFrom().values().forEach(used::addAll);
        used.stream().filter(fk -> !fk.indexed()).map(ForeignKey::edge).distinct().sorted().forEach(edge ->
                warnings.add("foreign key " + edge + " has no index: every chunk scans its table"));
        return new DeletePlan(root, checks, operations, warnings,
                used.stream().map(ForeignKey::edge).collect(java.util.stream.Collectors.toSet()));
    }

    /** All delete-edge paths from {@code table} to the root; the root's own list is empty. */
    private static List<JoinPath> paths(String table, RootTable root, Map<String, List<ForeignKey>> deleteEdgesFrom,
                                        Map<String, List<JoinPath>> memo, List<String> problems) {
        if (memo.containsKey(table)) {
            return memo.get(table);
        }
        List<JoinPath> result = new ArrayList<>();
        if (!table.equals(root.table())) {
            for (ForeignKey fk : deleteEdgesFrom.getOrDefault(table, List.of())) {
                if (fk.refTable().equals(root.table())) {
                    result.add(new JoinPath(List.of(fk)));
                } else {
                    for (JoinPath p : paths(fk.refTable(), root, deleteEdgesFrom, memo, problems)) {
                        result.add(p.prepend(fk));
                    }
                }
            }
            if (result.size() > MAX_PATHS_PER_TABLE) {
                problems.add(table + " reaches " + root.table() + " in " + result.size()
                        + " ways through delete edges (more than " + MAX_PATHS_PER_TABLE + ")");
            }
        }
        memo.put(table, result);
        return result;
    }

    /** Tables referencing others first; set-null edges order their table first too, unless that makes a cycle. */
    private static List<String> order(RootTable root, Set<String> tables, Map<String, List<ForeignKey>> deleteEdgesFrom,
                                      List<ForeignKey> setNulls) {
        Map<String, Set<String>> before = new TreeMap<>(); // table -> tables that must come before it
        tables.forEach(t -> before.put(t, new TreeSet<>()));
        deleteEdgesFrom.values().forEach(l -> l.forEach(fk -> before.get(fk.refTable()).add(fk.table())));
        Map<String, Set<String>> withSetNull = new TreeMap<>();
        before.forEach((t, s) -> withSetNull.put(t, new TreeSet<>(s)));
        for (ForeignKey fk : setNulls) {
            if (tables.contains(fk.table()) && tables.contains(fk.refTable()) && !fk.selfReference()) {
                withSetNull.get(fk.refTable()).add(fk.table());
            }
        }
        List<String> order = topological(withSetNull);
        return order != null ? order : topological(before);
    }

    private static List<String> topological(Map<String, Set<String>> before) {
        Map<String, Set<String>> pending = new TreeMap<>();
        before.forEach((t, s) -> pending.put(t, new TreeSet<>(s)));
        List<String> order = new ArrayList<>();
        while (!pending.isEmpty()) {
            String next = pending.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey)
                    .findFirst().orElse(null);
            if (next == null) {
                return null;
            }
            pending.remove(next);
            pending.values().forEach(s -> s.remove(next));
            order.add(next);
        }
        return order;
    }

    private static List<String> findCycle(Set<String> tables, Map<String, List<ForeignKey>> deleteEdgesFrom) {
        Map<String, Integer> state = new HashMap<>();
        for (String start : new TreeSet<>(tables)) {
            List<String> cycle = dfs(start, deleteEdgesFrom, state, new LinkedHashMap<>());
            if (cycle != null) {
                return cycle;
            }
        }
        return null;
    }

    private static List<String> dfs(String table, Map<String, List<ForeignKey>> from, Map<String, Integer> state,
                                    LinkedHashMap<String, String> stack) {
        Integer s = state.get(table);
        if (s != null && s == 2) {
            return null;
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>();
            boolean on = false;
            for (Map.Entry<String, String> e : stack.entrySet()) {
                on |= e.getKey().equals(table);
                if (on) {
                    cycle.add(e.getValue());
                }
            }
            return cycle;
        }
        state.put(table, 1);
        for (ForeignKey fk : from.getOrDefault(table, List.of())) {
            stack.put(table, fk.edge());
            List<String> cycle = dfs(fk.refTable(), from, state, stack);
            if (cycle != null) {
                return cycle;
            }
            stack.remove(table);
        }
        state.put(table, 2);
        return null;
    }
}
