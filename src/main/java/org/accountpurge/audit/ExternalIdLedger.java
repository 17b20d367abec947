package org.accountpurge.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.account.AccountKind;
import org.accountpurge.store.ExternalIds;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link ExternalIds} in {@code purge.external_id}, for one kind of account: recorded in a transaction of its own (it
 * must survive a rollback of the chunk, like what Keycloak did), read by the verification.
 */
public final class ExternalIdLedger implements ExternalIds {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final AccountKind kind;

    public ExternalIdLedger(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, AccountKind kind) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.kind = kind;
    }

    @Override
    public void record(String store, String target, Map<String, List<String>> idsByAccount) {
        List<Object[]> rows = new ArrayList<>();
        idsByAccount.forEach((account, ids) -> ids.forEach(id -> rows.add(new Object[] {kind.code(), account, store,
                target, id})));
        if (!rows.isEmpty()) {
            ownTransaction.executeWithoutResult(s -> jdbc.batchUpdate("INSERT INTO purge.external_id (kind, account_id,"
                    + " store, target, external_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows));
        }
    }

    @Override
    public Map<String, List<String>> recorded(String store, String target, List<String> accountIds) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        if (accountIds.isEmpty() || !Boolean.TRUE.equals(jdbc.queryForObject("SELECT to_regclass('purge.external_id')"
                + " IS NOT NULL", Boolean.class))) { // a schema of an earlier version, read by verify: none kept
            return found;
        }
        jdbc.query(con -> {
            var statement = con.prepareStatement("SELECT account_id, external_id FROM purge.external_id WHERE store = ?"
                    + " AND target = ? AND kind = ? AND account_id = ANY(?) ORDER BY account_id, external_id");
            statement.setString(1, store);
            statement.setString(2, target);
            statement.setString(3, kind.code());
            statement.setArray(4, con.createArrayOf("text", accountIds.toArray()));
            return statement;
        }, rs -> {
            found.computeIfAbsent(rs.getString(1), a -> new ArrayList<>()).add(rs.getString(2));
        });
        return found;
    }

    @Override
    public void accounts(String store, String target, java.util.function.Consumer<List<String>> batch) {
        if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT to_regclass('purge.external_id') IS NOT NULL",
                Boolean.class))) {
            return;
        }
        String after = "";
        while (true) {
            List<String> page = jdbc.queryForList("SELECT DISTINCT account_id FROM purge.external_id WHERE store = ? AND"
                    + " target = ? AND kind = ? AND account_id > ? ORDER BY account_id LIMIT 500", String.class, store,
                    target, kind.code(), after);
            if (page.isEmpty()) {
                return;
            }
            batch.accept(page);
            after = page.get(page.size() - 1);
        }
    }
}
