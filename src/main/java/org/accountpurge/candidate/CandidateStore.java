package org.accountpurge.candidate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The frozen candidate set of a run ({@code purge.candidate}), its rejected rows and its retention reasons. All
 * writes join the caller's transaction (the chunk's), so they commit together with the reader's position.
 */
public final class CandidateStore {

    public static final String PENDING = "PENDING";
    public static final String RETAINED = "RETAINED";
    public static final String PURGED = "PURGED";

    private final JdbcTemplate jdbc;

    public CandidateStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Accepts rows (first occurrence wins) and rejects the rest with their reason, duplicates included. */
    public void accept(long runId, List<InputRow> rows) {
        List<Object[]> rejected = new ArrayList<>();
        for (InputRow row : rows) {
            if (row.isRejected()) {
                rejected.add(new Object[] {runId, row.rowNo(), row.rejection()});
                continue;
            }
            int inserted = jdbc.update("INSERT INTO purge.candidate (run_id, kind, account_id, row_no) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING", runId, row.kind(), row.accountId(), row.rowNo());
            if (inserted == 0) {
                Long first = jdbc.queryForObject("SELECT row_no FROM purge.candidate WHERE run_id = ? AND kind = ?"
                        + " AND account_id = ?", Long.class, runId, row.kind(), row.accountId());
                if (first != null && first != row.rowNo()) {
                    rejected.add(new Object[] {runId, row.rowNo(), "duplicate of line " + first});
                }
            }
        }
        if (!rejected.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO purge.rejected_row (run_id, row_no, reason) VALUES (?, ?, ?)"
                    + " ON CONFLICT DO NOTHING", rejected);
        }
    }

    /** Records every reason of each retained account and takes it out of the purge. */
    public void retain(long runId, String kind, Map<String, ? extends Set<String>> reasons) {
        List<Object[]> rows = new ArrayList<>();
        reasons.forEach((id, rs) -> rs.forEach(r -> rows.add(new Object[] {runId, kind, id, r})));
        jdbc.batchUpdate("INSERT INTO purge.retention (run_id, kind, account_id, reason) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING", rows);
        List<Object[]> ids = reasons.keySet().stream().map(id -> new Object[] {RETAINED, runId, kind, id}).toList();
        jdbc.batchUpdate("UPDATE purge.candidate SET state = ? WHERE run_id = ? AND kind = ? AND account_id = ?", ids);
    }

    public void markPurged(long runId, String kind, List<String> accountIds) {
        jdbc.update("UPDATE purge.candidate SET state = ? WHERE run_id = ? AND kind = ? AND account_id = ANY(?)",
                ps -> {
                    ps.setString(1, PURGED);
                    ps.setLong(2, runId);
                    ps.setString(3, kind);
                    ps.setArray(4, ps.getConnection().createArrayOf("text", accountIds.toArray()));
                });
    }
}
