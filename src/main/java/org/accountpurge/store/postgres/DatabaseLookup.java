package org.accountpurge.store.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.accountpurge.store.StoreException;

/**
 * A configured query selecting (account id, value) for the accounts of {@code :ids} — e.g. each user's Keycloak id
 * from {@code user_external_identity} — run on a read-only session. The root id type is read once, on first use.
 */
public final class DatabaseLookup implements Function<List<String>, Map<String, List<String>>> {

    private final DataSource dataSource;
    private final ReadOnlyQueries readOnly;
    private final KindSchema kind;
    private final String sql;
    private volatile String bound;

    public DatabaseLookup(DataSource dataSource, ReadOnlyQueries readOnly, KindSchema kind, String sql) {
        this.dataSource = dataSource;
        this.readOnly = readOnly;
        this.kind = kind;
        this.sql = sql;
    }

    @Override
    public Map<String, List<String>> apply(List<String> accountIds) {
        if (bound == null) {
            String idType = TenantPlan.idType(dataSource, kind);
            if (idType == null) {
                throw new StoreException(PostgresAccounts.STORE, "purge.roots." + kind.kind() + " names no column", null,
                        "no_root_column");
            }
            bound = sql.replace(":ids", "CAST(? AS text[])::" + ForeignKeyCatalog.castType(idType) + "[]");
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String[] pair : readOnly.pairs(bound, accountIds)) {
            values.computeIfAbsent(pair[0], k -> new ArrayList<>()).add(pair[1]);
        }
        return values;
    }
}
