package org.accountpurge.store.postgres;

import java.util.ArrayList;
import java.util.List;
import org.accountpurge.graph.DeletePlan;
import org.accountpurge.store.TargetOutcome;
import org.accountpurge.graph.ForeignKey;
import org.accountpurge.graph.JoinPath;
import org.accountpurge.graph.RootTable;

/**
 * The SQL of a {@link DeletePlan}: per operation and join path one set-based statement for a whole chunk of
 * accounts, bound to a single array parameter, returning how many rows it touched per account.
 */
final class PlanStatements {

    /**
     * A statement (returning per account the rows it acted on; a reassign per account and successor), the step-log
     * target it acts on, whether it deletes or nulls, the query counting per account the
     * rows it would still act on (what {@code verify} reports as left), and the query counting per account the rows it
     * would act on when it runs in its place in the plan (a dry run: rows the statements before it delete, or null
     * along another path, are not counted again).
     */
    record Statement(String target, TargetOutcome.Action action, String sql, String residueSql, String previewSql) {

        Statement(String target, TargetOutcome.Action action, String sql, String residueSql) {
            this(target, action, sql, residueSql, residueSql);
        }
    }

    /** A delete or set-null statement made before, by its table, target, action and the hops from its rows. */
    private record Earlier(String table, String target, TargetOutcome.Action action, List<ForeignKey> hops) {
    }

    /** A protect check: accounts it returns are retained with {@code reason}. */
    record Check(String reason, String sql) {
    }

    /** The retention reason of the account that reassigned rows go to: it is never purged. */
    static final String SUCCESSOR = "successor";

    /** Accounts a successor may not be: those of the chunk, the one leaving included (its purge reassigns). */
    private static final String IN_CHUNK = " <> ALL (SELECT account_id FROM purge_chunk)";
    /** ... the one leaving (whether a row has a successor at all: another account of the chunk may be retained). */
    private static final String LEAVING = " <> purge_acc.account_id";

    /** {@code :row.column} in a successor query: the column of the row being reassigned. */
    private static final java.util.regex.Pattern ROW =
            java.util.regex.Pattern.compile(":row\\.(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)");
    /** {@code :account} in a successor query: the account leaving. */
    private static final java.util.regex.Pattern ACCOUNT = java.util.regex.Pattern.compile("(?<![:\\w]):account(?!\\w)");

    private final String schema;
    private final RootTable root;
    private final String accounts;
    private final String idCast;
    private final java.util.Map<String, String> otherSchemaTables;
    private final java.util.Map<String, java.util.Map<String, ForeignKeyCatalog.Column>> columns;

    /**
     * @param idType            SQL type of the root id column, e.g. {@code uuid}
     * @param otherSchemaTables the SQL name of each table of another schema, by its name in the plan
     *                          ({@code schema.table})
     */
    PlanStatements(String schema, RootTable root, String idType, java.util.Map<String, String> otherSchemaTables,
                   java.util.Map<String, java.util.Map<String, ForeignKeyCatalog.Column>> columns) {
        this.schema = schema;
        this.columns = columns;
        this.otherSchemaTables = otherSchemaTables;
        this.root = root;
        this.idCast = ForeignKeyCatalog.castType(idType);
        this.accounts = "unnest(CAST(? AS text[])::" + idCast + "[]) AS acc(account_id)";
    }

    List<Statement> statements(DeletePlan plan) {
        List<Statement> result = new ArrayList<>();
        List<Earlier> earlier = new ArrayList<>();
        for (DeletePlan.Operation op : plan.operations()) {
            if (op instanceof DeletePlan.Delete d) {
                for (List<ForeignKey> hops : hopsOrRoot(d.paths(), List.of())) {
                    Chain chain = chain(hops);
                    result.add(new Statement(d.table(), TargetOutcome.Action.DELETED, "WITH d AS (DELETE FROM " + table(d.table()) + " a0 USING "
                            + chain.from() + " WHERE " + chain.where() + " RETURNING acc.account_id) "
                            + "SELECT account_id::text, count(*) FROM d GROUP BY account_id",
                            residue(d.table(), chain), preview(d.table(), d.table(), hops, earlier)));
                    earlier.add(new Earlier(d.table(), d.table(), TargetOutcome.Action.DELETED, hops));
                }
            } else if (op instanceof DeletePlan.SetNull s) {
                String set = String.join(", ", s.edge().columns().stream().map(c -> quote(c) + " = NULL").toList());
                for (List<ForeignKey> hops : hopsOrRoot(s.targetPaths(), List.of(s.edge()))) {
                    Chain chain = chain(hops);
                    result.add(new Statement(s.edge().edge(), TargetOutcome.Action.NULLED, "WITH u AS (UPDATE "
                            + table(s.edge().table())
                            + " a0 SET " + set + " FROM " + chain.from() + " WHERE " + chain.where()
                            + " RETURNING acc.account_id) SELECT account_id::text, count(*) FROM u GROUP BY account_id",
                            residue(s.edge().table(), chain), preview(s.edge().table(), s.edge().edge(), hops, earlier)));
                    earlier.add(new Earlier(s.edge().table(), s.edge().edge(), TargetOutcome.Action.NULLED, hops));
                }
            } else if (op instanceof DeletePlan.Reassign r && r.picked()) {
                result.add(new Statement(r.edge().edge(), TargetOutcome.Action.REASSIGNED, picking(
                        ", u AS (UPDATE " + table(r.table()) + " purge_row SET " + quote(r.edge().columns().get(0)) + " = "
                                + pick(r, IN_CHUNK) + " FROM purge_chunk purge_acc WHERE " + rowOfAccount(r) + " AND "
                                + pick(r, IN_CHUNK) + " IS NOT NULL RETURNING purge_acc.account_id, purge_row."
                                + quote(r.edge().columns().get(0)) + " AS successor) SELECT account_id::text,"
                                + " count(*), successor::text FROM u GROUP BY account_id, successor"),
                        residue(r.table(), chain(List.of(r.edge())))));
            } else if (op instanceof DeletePlan.Reassign r) {
                Chain chain = chain(List.of(r.edge()));
                result.add(new Statement(r.edge().edge(), TargetOutcome.Action.REASSIGNED, "WITH u AS (UPDATE "
                        + table(r.table()) + " a0 SET " + quote(r.edge().columns().get(0)) + " = "
                        + literal(r.successor())
                        + " FROM " + chain.from() + " WHERE " + chain.where() + " RETURNING acc.account_id, a0."
                        + quote(r.edge().columns().get(0)) + " AS successor) SELECT account_id::text, count(*),"
                        + " successor::text FROM u GROUP BY account_id, successor",
                        residue(r.table(), chain)));
            } else if (op instanceof DeletePlan.Scrub s) {
                result.addAll(scrub(s));
            }
        }
        return result;
    }

    /**
     * The rows kept and scrubbed (the root row, or a dependant's rows along each of its paths); only a row not
     * scrubbed yet is touched (and counted, and left over).
     */
    private List<Statement> scrub(DeletePlan.Scrub scrub) {
        ScrubSql sql = scrubSql(scrub);
        String rows = table(scrub.table()) + " a0";
        String notDone = " AND NOT (" + sql.done() + ")";
        List<Statement> result = new ArrayList<>();
        for (List<ForeignKey> hops : hopsOrRoot(scrub.paths(), List.of())) {
            Chain chain = chain(hops);
            result.add(new Statement(scrub.table(), TargetOutcome.Action.SCRUBBED, "WITH u AS (UPDATE " + rows
                    + " SET " + sql.set() + " FROM " + chain.from() + " WHERE " + chain.where() + notDone
                    + " RETURNING acc.account_id) SELECT account_id::text, count(*) FROM u GROUP BY account_id",
                    "SELECT acc.account_id::text, count(*) FROM " + rows + ", " + chain.from() + " WHERE "
                            + chain.where() + notDone + " GROUP BY acc.account_id"));
        }
        return result;
    }

    ScrubSql scrubSql(DeletePlan.Scrub scrub) {
        return new ScrubSql(scrub.columns(), columns.getOrDefault(scrub.table(), java.util.Map.of()));
    }

    /** An account id as an SQL literal of the root id's type (the configuration's successor id, quoted). */
    String literal(String id) {
        return "CAST('" + id.replace("'", "''") + "' AS " + idCast + ")";
    }


    /**
     * How many rows of {@code table} the statement along {@code hops} acts on per account when it runs after the
     * {@code earlier} ones: not the rows an earlier delete of the table removed, nor those an earlier set-null of the
     * same edge (another path) nulled, for any account of the chunk.
     */
    private String preview(String table, String target, List<ForeignKey> hops, List<Earlier> earlier) {
        Chain chain = chain(hops, "a", "purge_chunk acc", "acc");
        StringBuilder where = new StringBuilder(chain.where());
        int n = 0;
        for (Earlier e : earlier) {
            boolean gone = e.table().equals(table) && e.action() == TargetOutcome.Action.DELETED;
            boolean nulled = e.target().equals(target) && e.action() == TargetOutcome.Action.NULLED;
            if (gone || nulled) {
                String prefix = "x" + (++n) + "_";
                Chain before = chain(e.hops(), prefix, "purge_chunk " + prefix + "acc", prefix + "acc");
                where.append(" AND NOT EXISTS (SELECT 1 FROM ").append(before.from()).append(" WHERE ")
                        .append(before.where()).append(")");
            }
        }
        return "WITH purge_chunk(account_id) AS (SELECT unnest(CAST(? AS text[])::" + idCast + "[])) SELECT"
                + " acc.account_id::text, count(*) FROM " + table(table) + " a0, " + chain.from() + " WHERE " + where
                + " GROUP BY acc.account_id";
    }

    private String residue(String table, Chain chain) {
        return "SELECT acc.account_id::text, count(*) FROM " + table(table) + " a0, " + chain.from() + " WHERE "
                + chain.where() + " GROUP BY acc.account_id";
    }

    /** The retention reason of an account a row of {@code edge} finds no successor for. */
    static String noSuccessor(String edge) {
        return "no-successor:" + edge;
    }

    /** {@code sql} after the chunk's accounts, as {@code purge_chunk(account_id)}. */
    private String picking(String sql) {
        return "WITH purge_chunk(account_id) AS (SELECT unnest(CAST(? AS text[])::" + idCast + "[]))" + sql;
    }

    private String rowOfAccount(DeletePlan.Reassign r) {
        return "purge_row." + quote(r.edge().columns().get(0)) + " = purge_acc.account_id";
    }

    /**
     * The successor the edge's query picks for the row {@code purge_row} of the account {@code purge_acc}: its first
     * answer that is not NULL and not one of {@code excluded}; NULL when there is none.
     */
    String pick(DeletePlan.Reassign r, String excluded) {
        String query = ROW.matcher(r.successorQuery()).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                "purge_row." + m.group(1)));
        query = ACCOUNT.matcher(query).replaceAll("purge_acc.account_id");
        String successor = "CAST(purge_pick.successor AS " + idCast + ")";
        return "(SELECT " + successor + " FROM (" + query + ") AS purge_pick(successor) WHERE " + successor
                + excluded + " LIMIT 1)";
    }

    List<Check> checks(DeletePlan plan) {
        List<Check> result = new ArrayList<>();
        plan.reassigns().stream().filter(DeletePlan.Reassign::picked).forEach(r -> result.add(new Check(
                noSuccessor(r.edge().edge()), picking(" SELECT DISTINCT purge_acc.account_id::text FROM "
                + table(r.table()) + " purge_row, purge_chunk purge_acc WHERE " + rowOfAccount(r) + " AND "
                + pick(r, LEAVING) + " IS NULL"))));
        plan.reassigns().stream().filter(r -> !r.picked()).map(DeletePlan.Reassign::successor).distinct()
                .forEach(successor -> result.add(
                new Check(SUCCESSOR, "SELECT acc.account_id::text FROM " + accounts + " WHERE acc.account_id = "
                        + literal(successor))));
        for (DeletePlan.ProtectCheck check : plan.protect()) {
            for (List<ForeignKey> hops : hopsOrRoot(check.targetPaths(), List.of(check.edge()))) {
                Chain chain = chain(hops);
                result.add(new Check(check.reason(), "SELECT DISTINCT acc.account_id::text FROM " + table(check.edge().table())
                        + " a0, " + chain.from() + " WHERE " + chain.where()));
            }
        }
        return result;
    }

    /** Each path's hops after {@code first}; a single list of just {@code first} when the target is the root. */
    private static List<List<ForeignKey>> hopsOrRoot(List<JoinPath> paths, List<ForeignKey> first) {
        List<List<ForeignKey>> result = new ArrayList<>();
        if (paths.isEmpty()) {
            result.add(first);
        }
        for (JoinPath p : paths) {
            List<ForeignKey> hops = new ArrayList<>(first);
            hops.addAll(p.hops());
            result.add(hops);
        }
        return result;
    }

    private record Chain(String from, String where) {
    }

    /**
     * Joins a0 (the acted-on table) through {@code hops} to the accounts array. The root table itself is only
     * joined when the last hop references a column other than its id.
     */
    private Chain chain(List<ForeignKey> hops) {
        return chain(hops, "a", accounts, "acc");
    }

    /**
     * ... the hops' tables aliased {@code prefix} 1, 2, …, the accounts from {@code accountsFrom} aliased
     * {@code acc} (the acted-on row is a0 whatever the prefix: another chain can join the same row).
     */
    private Chain chain(List<ForeignKey> hops, String prefix, String accountsFrom, String acc) {
        List<String> from = new ArrayList<>();
        List<String> where = new ArrayList<>();
        String current = "a0";
        for (int i = 0; i < hops.size(); i++) {
            ForeignKey hop = hops.get(i);
            boolean last = i == hops.size() - 1;
            if (last && hop.refColumns().equals(List.of(root.idColumn()))) {
                where.add(current + "." + quote(hop.columns().get(0)) + " = " + acc + ".account_id");
                current = null;
                break;
            }
            String next = prefix + (i + 1);
            from.add(table(hop.refTable()) + " " + next);
            for (int c = 0; c < hop.columns().size(); c++) {
                where.add(current + "." + quote(hop.columns().get(c)) + " = " + next + "." + quote(hop.refColumns().get(c)));
            }
            current = next;
        }
        if (current != null) { // no hop at all (the root's own rows), or the last hop joined the root table
            where.add(current + "." + quote(root.idColumn()) + " = " + acc + ".account_id");
        }
        from.add(accountsFrom);
        return new Chain(String.join(", ", from), String.join(" AND ", where));
    }

    private String table(String name) {
        String other = otherSchemaTables.get(name);
        return other != null ? other : quote(schema) + "." + quote(name);
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
