package org.accountpurge.store.postgres;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.accountpurge.account.AccountKind;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The deletion-event outbox ({@code purge.events.table}): for every account a chunk purged, one row with a JSON
 * event — {@code {"type": "account.purged", "accountId", "kind", "purgedAt", "runId", "stores": [...], "outcomes":
 * [{store, target, action, count}], "handedOver": [{target, group, successor, count}]}}: the stores that held
 * something of the account over all executions of the run, what each did per target (deleted, nulled, reassigned,
 * scrubbed, promoted, disabled), and what the account handed over to whom — inserted in the chunk's transaction, so the
 * event commits exactly when the rows it describes are gone. Accounts no store knew (NOT_FOUND) get no event.
 */
public final class DeletionEvents {

    private final JdbcTemplate jdbc;
    private final String table;

    public DeletionEvents(DataSource dataSource, String table) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.table = table;
    }

    /** Why the table cannot take the events (missing, or a required column missing or of another type); null if it can. */
    public String problem() {
        String[] parts = table.contains(".") ? table.split("\\.", 2) : new String[] {null, table};
        Map<String, String> columns = jdbc.query("SELECT column_name, data_type FROM information_schema.columns WHERE"
                + " table_schema = coalesce(?, current_schema()) AND table_name = ?", rs -> {
                    Map<String, String> found = new java.util.TreeMap<>();
                    while (rs.next()) {
                        found.put(rs.getString(1), rs.getString(2));
                    }
                    return found;
                }, parts[0], parts[1]);
        if (columns == null || columns.isEmpty()) {
            return "purge.events.table " + table + " does not exist; create it, e.g. CREATE TABLE " + table
                    + " (id bigserial PRIMARY KEY, account_id text NOT NULL, kind text NOT NULL, payload jsonb NOT"
                    + " NULL, created_at timestamptz NOT NULL DEFAULT now())";
        }
        Map<String, String> needed = Map.of("account_id", "text", "kind", "text", "payload", "jsonb");
        String wrong = needed.entrySet().stream().filter(e -> !e.getValue().equals(columns.get(e.getKey())))
                .map(e -> e.getKey() + " " + e.getValue()).sorted().collect(Collectors.joining(", "));
        return wrong.isEmpty() ? null : "purge.events.table " + table + " needs the column(s) " + wrong;
    }

    /** Inserts the events of the accounts among {@code accountIds} that the run purged; returns how many. */
    public int write(long runId, AccountKind kind, List<String> accountIds) {
        if (accountIds.isEmpty()) {
            return 0;
        }
        Integer written = jdbc.execute((java.sql.Connection con) -> {
            try (PreparedStatement ps = con.prepareStatement("INSERT INTO " + quoted() + " (account_id, kind, payload)"
                    + " SELECT c.account_id, c.kind, jsonb_build_object('type', 'account.purged', 'accountId',"
                    + " c.account_id, 'kind', c.kind, 'purgedAt', to_jsonb(clock_timestamp()), 'runId', c.run_id,"
                    + " 'stores', (SELECT coalesce(jsonb_agg(DISTINCT l.store), '[]'::jsonb) FROM purge.step_log l"
                    + " WHERE l.run_id = c.run_id AND l.kind = c.kind AND l.account_id = c.account_id AND l.action IN"
                    + " " + org.accountpurge.store.TargetOutcome.CHANGED_SQL + "), 'outcomes', (SELECT coalesce("
                    + "jsonb_agg(jsonb_build_object('store', o.store, 'target', o.target, 'action', lower(o.action),"
                    + " 'count', o.n) ORDER BY o.store, o.target, o.action), '[]'::jsonb) FROM (SELECT l.store,"
                    + " l.target, l.action, sum(l.count) AS n FROM purge.step_log l WHERE l.run_id = c.run_id AND"
                    + " l.kind = c.kind AND l.account_id = c.account_id AND l.action IN "
                    + org.accountpurge.store.TargetOutcome.CHANGED_SQL + " GROUP BY 1, 2, 3) o), 'handedOver', (SELECT"
                    + " coalesce(jsonb_agg(jsonb_build_object('target', h.target, 'group', h.item, 'successor',"
                    + " h.successor, 'count', h.count) ORDER BY h.id), '[]'::jsonb) FROM purge.handover h WHERE"
                    + " h.run_id = c.run_id AND h.kind = c.kind AND h.account_id = c.account_id))"
                    + " FROM purge.candidate c WHERE c.run_id = ?"
                    + " AND c.kind = ?"
                    + " AND c.account_id = ANY(?) AND c.state = 'PURGED'")) {
                ps.setLong(1, runId);
                ps.setString(2, kind.code());
                ps.setArray(3, con.createArrayOf("text", accountIds.toArray()));
                return ps.executeUpdate();
            }
        });
        return written == null ? 0 : written;
    }

    private String quoted() {
        return java.util.Arrays.stream(table.split("\\.")).map(p -> "\"" + p + "\"")
                .collect(Collectors.joining("."));
    }
}
