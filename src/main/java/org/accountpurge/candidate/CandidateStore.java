package org.accountpurge.candidate;

import org.accountpurge.account.AccountKind;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.accountpurge.store.postgres.CopyIn;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The frozen candidate set of a run ({@code purge.candidate}), its rejected rows and its retention reasons. All
 * writes join the caller's transaction (the chunk's), so they commit together with the reader's position.
 */
public class CandidateStore {

    public static final String PENDING = "PENDING";
    public static final String RETAINED = "RETAINED";
    public static final String PURGED = "PURGED";
    /** A store refused the account for good (its error is in the step log); it is not purged. */
    public static final String FAILED = "FAILED";
    public static final String NOT_FOUND = "NOT_FOUND";
    /** Grace lifecycle: warned (or would be, in a dry run) this run, not purged. */
    public static final String WARNED = "WARNED";
    /** Grace lifecycle: disabled (or still disabled, waiting) this run, not purged. */
    public static final String DISABLED = "DISABLED";

    private final JdbcTemplate jdbc;

    public CandidateStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stages a chunk of input rows: the accepted ones are appended to the run's input (COPY, no lookup: duplicates are
     * found by {@link #freeze}), the others rejected with their reason. Runs in the chunk's transaction, so a chunk
     * rolled back leaves nothing and a restart goes on after the last committed one.
     */
    public void stage(long runId, List<InputRow> rows) {
        List<Object[]> rejected = new ArrayList<>();
        StringBuilder accepted = new StringBuilder(rows.size() * 64); // one COPY, written here: millions of rows
        for (InputRow row : rows) {
            if (row.isRejected()) {
                rejected.add(new Object[] {runId, row.rowNo(), row.rejection()});
            } else {
                accepted.append(runId).append(',').append(row.rowNo()).append(',');
                CopyIn.quoted(accepted, row.kind()).append(',');
                CopyIn.quoted(accepted, row.accountId()).append('\n');
            }
        }
        CopyIn.csv(jdbc, "purge.candidate_input", List.of("run_id", "row_no", "kind", "account_id"), accepted);
        if (!rejected.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO purge.rejected_row (run_id, row_no, reason) VALUES (?, ?, ?)"
                    + " ON CONFLICT DO NOTHING", rejected);
        }
    }

    /**
     * Freezes the run's candidate set from its staged input, in one transaction: each account once, from its first
     * line, inserted sorted by id (so the primary key grows in order instead of at random); every later line of the
     * same account rejected as "duplicate of line N"; the staged rows removed. Idempotent: nothing staged, nothing
     * done. Returns the candidates added.
     *
     * @param sortMemory PostgreSQL {@code work_mem} for this transaction (the sort of the run's ids), e.g. 256MB
     */
    public long freeze(long runId, String sortMemory) {
        jdbc.execute("SET LOCAL work_mem = '" + sortMemory.replace("'", "") + "'");
        // candidates of the run already there: a run whose load was started by an earlier version
        boolean earlier = Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM purge.candidate WHERE run_id = ?)", Boolean.class, runId));
        int added = jdbc.update("INSERT INTO purge.candidate (run_id, kind, account_id, row_no)"
                + " SELECT DISTINCT ON (account_id COLLATE \"C\", kind) run_id, kind, account_id, row_no FROM purge.candidate_input"
                + " WHERE run_id = ? ORDER BY account_id COLLATE \"C\", kind, row_no"
                + (earlier ? " ON CONFLICT DO NOTHING" : ""), runId);
        // the lock keeps another run from staging rows until this run's are gone; one scan tells how many lines this
        // run staged and whether another run is loading (the staging table has no index: nothing to keep up per line)
        jdbc.execute("LOCK TABLE purge.candidate_input IN ACCESS EXCLUSIVE MODE");
        long staged = 0;
        boolean others = false;
        for (Map<String, Object> byRun : jdbc.queryForList("SELECT run_id = ? AS mine, count(*) AS lines FROM"
                + " purge.candidate_input GROUP BY 1", runId)) {
            if (Boolean.TRUE.equals(byRun.get("mine"))) {
                staged = ((Number) byRun.get("lines")).longValue();
            } else {
                others = true;
            }
        }
        if (staged > added) { // some lines repeat an account: reject them, naming the first line
            jdbc.update("INSERT INTO purge.rejected_row (run_id, row_no, reason) SELECT s.run_id, s.row_no,"
                    + " 'duplicate of line ' || c.row_no FROM purge.candidate_input s JOIN purge.candidate c"
                    + " ON c.run_id = s.run_id AND c.kind = s.kind AND c.account_id = s.account_id"
                    + " WHERE s.run_id = ? AND s.row_no <> c.row_no ON CONFLICT DO NOTHING", runId);
        }
        // the staged rows go: the whole table when no other run is loading (TRUNCATE leaves no dead rows for vacuum),
        // otherwise this run's
        if (others) {
            jdbc.update("DELETE FROM purge.candidate_input WHERE run_id = ?", runId);
        } else {
            jdbc.execute("TRUNCATE purge.candidate_input");
        }
        return added;
    }

    /** Records every reason of each retained account and takes it out of the purge. */
    public void retain(long runId, AccountKind kind, Map<String, ? extends Set<String>> reasons) {
        List<Object[]> rows = new ArrayList<>();
        reasons.forEach((id, rs) -> rs.forEach(r -> rows.add(new Object[] {runId, kind.code(), id, r})));
        jdbc.batchUpdate("INSERT INTO purge.retention (run_id, kind, account_id, reason) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING", rows);
        List<Object[]> ids = reasons.keySet().stream().map(id -> new Object[] {RETAINED, runId, kind.code(), id}).toList();
        jdbc.batchUpdate("UPDATE purge.candidate SET state = ? WHERE run_id = ? AND kind = ? AND account_id = ?", ids);
    }

    /**
     * Marks accounts done: PURGED when some store of this run removed, nulled or disabled something of theirs (the
     * step log says so), NOT_FOUND when every store had nothing (an id that exists nowhere, or was removed by
     * somebody else). Returns how many were not found.
     */
    public int markDone(long runId, AccountKind kind, List<String> accountIds) {
        Integer notFound = jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement("WITH done AS (UPDATE purge.candidate c SET state = CASE WHEN"
                    + " EXISTS (SELECT 1 FROM purge.step_log l WHERE l.run_id = c.run_id AND l.kind = c.kind AND"
                    + " l.account_id = c.account_id AND l.action IN " + org.accountpurge.store.TargetOutcome.CHANGED_SQL + ")"
                    + " THEN '" + PURGED
                    + "' ELSE '" + NOT_FOUND + "' END WHERE c.run_id = ? AND c.kind = ? AND c.account_id = ANY(?)"
                    + " RETURNING state) SELECT count(*) FILTER (WHERE state = '" + NOT_FOUND + "') FROM done");
            ps.setLong(1, runId);
            ps.setString(2, kind.code());
            ps.setArray(3, con.createArrayOf("text", accountIds.toArray()));
            return ps;
        }, rs -> rs.next() ? rs.getInt(1) : 0);
        return notFound == null ? 0 : notFound;
    }

    /** Sets the state of accounts of the run (the grace lifecycle's WARNED and DISABLED). */
    public void mark(long runId, AccountKind kind, List<String> accountIds, String state) {
        jdbc.batchUpdate("UPDATE purge.candidate SET state = ? WHERE run_id = ? AND kind = ? AND account_id = ?",
                accountIds.stream().map(id -> new Object[] {state, runId, kind.code(), id}).toList());
    }

    /** Marks accounts FAILED: a store refused them for good; a restart does not drive them again. */
    public void fail(long runId, AccountKind kind, List<String> accountIds) {
        if (accountIds.isEmpty()) {
            return;
        }
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("UPDATE purge.candidate SET state = '" + FAILED + "' WHERE"
                    + " run_id = ? AND kind = ? AND account_id = ANY(?)");
            ps.setLong(1, runId);
            ps.setString(2, kind.code());
            ps.setArray(3, con.createArrayOf("text", accountIds.toArray()));
            return ps;
        });
    }

    /** How many of the run's candidates of this kind are in {@code state} (committed ones, and this transaction's). */
    public long count(long runId, AccountKind kind, String state) {
        Long n = jdbc.queryForObject("SELECT count(*) FROM purge.candidate WHERE run_id = ? AND kind = ?"
                + " AND (CAST(? AS text) IS NULL OR state = ?)", Long.class, runId, kind.code(), state, state);
        return n == null ? 0 : n;
    }
}
