package org.accountpurge.candidate;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The frozen candidate set of a run ({@code purge.candidate}), its rejected rows and its retention reasons. All
 * writes join the caller's transaction (the chunk's), so they commit together with the reader's position.
 */
public class CandidateStore {

    public static final String PENDING = "PENDING";
    public static final String RETAINED = "RETAINED";
    public static final String PURGED = "PURGED";
    /** A store refused the account for good (its error is in the step log); it is left locked out. */
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
     * Accepts rows (the first occurrence of an account wins, within the chunk and across chunks) and rejects the
     * rest with their reason, duplicates included. Set-based: two statements per chunk. Idempotent, so a chunk
     * written again after a rollback gives the same result.
     */
    public void accept(long runId, List<InputRow> rows) {
        List<Object[]> rejected = new ArrayList<>();
        List<InputRow> accepted = new ArrayList<>();
        for (InputRow row : rows) {
            if (row.isRejected()) {
                rejected.add(new Object[] {runId, row.rowNo(), row.rejection()});
            } else {
                accepted.add(row);
            }
        }
        if (!accepted.isEmpty()) {
            Object[] kinds = accepted.stream().map(InputRow::kind).toArray();
            Object[] ids = accepted.stream().map(InputRow::accountId).toArray();
            Object[] rowNos = accepted.stream().map(InputRow::rowNo).toArray();
            // the rows this chunk inserted; the others are repeats of an account already there (the first wins)
            java.util.Set<Long> inserted = new java.util.HashSet<>();
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement("INSERT INTO purge.candidate (run_id, kind, account_id, row_no)"
                        + " SELECT ?, t.kind, t.account_id, t.row_no FROM unnest(?::text[], ?::text[], ?::bigint[])"
                        + " WITH ORDINALITY AS t(kind, account_id, row_no, ord) ORDER BY t.ord ON CONFLICT DO NOTHING"
                        + " RETURNING row_no");
                ps.setLong(1, runId);
                ps.setArray(2, con.createArrayOf("text", kinds));
                ps.setArray(3, con.createArrayOf("text", ids));
                ps.setArray(4, con.createArrayOf("bigint", rowNos));
                return ps;
            }, rs -> {
                inserted.add(rs.getLong(1));
            });
            List<InputRow> repeats = accepted.stream().filter(row -> !inserted.contains(row.rowNo())).toList();
            Map<String, Long> first = new HashMap<>();
            if (!repeats.isEmpty()) { // rare: look up only those (by primary key), never the whole run
                jdbc.query(con -> {
                    PreparedStatement ps = con.prepareStatement("SELECT c.kind, c.account_id, c.row_no FROM"
                            + " unnest(?::text[], ?::text[]) AS t(kind, account_id) JOIN purge.candidate c ON c.run_id"
                            + " = ? AND c.kind = t.kind AND c.account_id = t.account_id");
                    ps.setArray(1, con.createArrayOf("text", repeats.stream().map(InputRow::kind).toArray()));
                    ps.setArray(2, con.createArrayOf("text", repeats.stream().map(InputRow::accountId).toArray()));
                    ps.setLong(3, runId);
                    return ps;
                }, rs -> {
                    first.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
                });
            }
            for (InputRow row : repeats) {
                Long firstRow = first.get(row.kind() + "/" + row.accountId());
                if (firstRow != null && firstRow != row.rowNo()) {
                    rejected.add(new Object[] {runId, row.rowNo(), "duplicate of line " + firstRow});
                }
            }
        }
        if (!rejected.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO purge.rejected_row (run_id, row_no, reason) VALUES (?, ?, ?)"
                    + " ON CONFLICT DO NOTHING", rejected);
        }
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
                    + " l.account_id = c.account_id AND l.action IN ('DELETED', 'NULLED', 'DISABLED')) THEN '" + PURGED
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
