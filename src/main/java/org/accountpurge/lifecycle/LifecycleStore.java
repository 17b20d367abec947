package org.accountpurge.lifecycle;

import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.account.AccountKind;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@code purge.lifecycle}: where each account of a selection stands in its grace lifecycle. */
public final class LifecycleStore {

    public static final String WARNED = "WARNED";
    public static final String DISABLED = "DISABLED";
    public static final String PURGED = "PURGED";
    public static final String CANCELLED = "CANCELLED";

    private final JdbcTemplate jdbc;

    public LifecycleStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The standing of each of the accounts that has one. */
    public Map<String, GraceLifecycle.Standing> standings(String selection, AccountKind kind, List<String> ids) {
        Map<String, GraceLifecycle.Standing> found = new HashMap<>();
        jdbc.query("SELECT account_id, state, warned_on, disabled_on FROM purge.lifecycle WHERE selection = ? AND kind"
                + " = ? AND account_id = ANY(?)", rs -> {
                    found.put(rs.getString(1), new GraceLifecycle.Standing(rs.getString(2), date(rs.getDate(3)),
                            date(rs.getDate(4))));
                }, selection, kind.code(), ids.toArray(String[]::new));
        return found;
    }

    /** A new cycle: WARNED on the run date (a cancelled or earlier cycle is replaced). */
    public void warned(String selection, AccountKind kind, List<String> ids, LocalDate on, long run) {
        jdbc.batchUpdate("INSERT INTO purge.lifecycle (selection, kind, account_id, state, warned_on, warned_run)"
                + " VALUES (?, ?, ?, 'WARNED', ?, ?) ON CONFLICT (selection, kind, account_id) DO UPDATE SET state ="
                + " 'WARNED', warned_on = excluded.warned_on, warned_run = excluded.warned_run, disabled_on = NULL,"
                + " disabled_run = NULL, purged_on = NULL, purged_run = NULL, cancelled_on = NULL, cancelled_run ="
                + " NULL, reason = NULL", ids.stream().map(id -> new Object[] {selection, kind.code(), id,
                Date.valueOf(on), run}).toList());
    }

    public void disabled(String selection, AccountKind kind, List<String> ids, LocalDate on, long run) {
        jdbc.batchUpdate("UPDATE purge.lifecycle SET state = 'DISABLED', disabled_on = ?, disabled_run = ? WHERE"
                + " selection = ? AND kind = ? AND account_id = ?", ids.stream().map(id -> new Object[] {
                Date.valueOf(on), run, selection, kind.code(), id}).toList());
    }

    public void cancelled(String selection, AccountKind kind, Map<String, String> reasons, LocalDate on, long run) {
        jdbc.batchUpdate("UPDATE purge.lifecycle SET state = 'CANCELLED', cancelled_on = ?, cancelled_run = ?, reason"
                + " = ? WHERE selection = ? AND kind = ? AND account_id = ? AND state IN ('WARNED', 'DISABLED')",
                reasons.entrySet().stream().map(e -> new Object[] {Date.valueOf(on), run, e.getValue(), selection,
                        kind.code(), e.getKey()}).toList());
    }

    /**
     * Ends the cycles the run did not carry on: an account in a cycle that the run retained (its reasons) or no
     * longer selected ({@code no-longer-selected}: it was active) is CANCELLED.
     */
    public int cancelLeftBehind(String selection, AccountKind kind, LocalDate on, long run) {
        return jdbc.update("UPDATE purge.lifecycle l SET state = 'CANCELLED', cancelled_on = ?, cancelled_run = ?,"
                + " reason = coalesce((SELECT string_agg(r.reason, ',' ORDER BY r.reason) FROM purge.retention r"
                + " WHERE r.run_id = ? AND r.kind = l.kind AND r.account_id = l.account_id), 'no-longer-selected')"
                + " WHERE l.selection = ? AND l.kind = ? AND l.state IN ('WARNED', 'DISABLED') AND NOT EXISTS (SELECT"
                + " 1 FROM purge.candidate c WHERE c.run_id = ? AND c.kind = l.kind AND c.account_id = l.account_id"
                + " AND c.state IN ('PENDING', 'WARNED', 'DISABLED', 'PURGED', 'FAILED', 'NOT_FOUND'))",
                Date.valueOf(on), run, run, selection, kind.code(), run);
    }

    /** The accounts the run purged end their cycle PURGED. */
    public int purged(String selection, AccountKind kind, LocalDate on, long run) {
        return jdbc.update("UPDATE purge.lifecycle l SET state = 'PURGED', purged_on = ?, purged_run = ? FROM"
                + " purge.candidate c WHERE c.run_id = ? AND c.kind = l.kind AND c.account_id = l.account_id AND"
                + " c.state = 'PURGED' AND l.selection = ? AND l.kind = ? AND l.state = 'DISABLED'",
                Date.valueOf(on), run, run, selection, kind.code());
    }

    private static LocalDate date(Date date) {
        return date == null ? null : date.toLocalDate();
    }
}
