package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.List;
import org.accountpurge.candidate.AccountKind;
import org.accountpurge.store.AccountStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Checks that the accounts a run purged are gone from every store: page by page, each store's {@link
 * AccountStore#verify} for the run's PURGED accounts of each kind. Reads only.
 */
public final class Verification implements VerifyTasklet.ResidueSource {

    private static final Logger log = LoggerFactory.getLogger(Verification.class);
    private static final int PAGE = 500;

    /** Something left of a purged account: {@code count} rows, documents or users on one target of one store. */
    public record Residue(AccountKind kind, String accountId, String store, String target, long count) {
    }

    private final TenantStores stores;
    private final JdbcTemplate jdbc;

    public Verification(TenantStores stores, JdbcTemplate jdbc) {
        this.stores = stores;
        this.jdbc = jdbc;
    }

    /** Everything left of the run's purged accounts (empty when they are gone everywhere). */
    @Override
    public List<Residue> residue(long runId) {
        List<Residue> found = new ArrayList<>();
        for (AccountKind kind : stores.kinds()) {
            List<AccountStore> kindStores = stores.forKind(kind, stores.postgres(kind));
            kindStores.stream().filter(s -> !s.verifiable()).forEach(s -> log.warn("Verification: {} cannot be"
                    + " checked for {} accounts after the purge ({}); not verified", s.name(), kind, s.target()));
            long checked = 0;
            String after = "";
            while (true) {
                List<String> ids = jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = ? AND"
                        + " kind = ? AND state = 'PURGED' AND account_id > ? ORDER BY account_id LIMIT " + PAGE,
                        String.class, runId, kind.code(), after);
                if (ids.isEmpty()) {
                    break;
                }
                for (AccountStore store : kindStores) {
                    if (store.verifiable()) {
                        store.verify(ids).byTarget().forEach((target, perAccount) -> perAccount.forEach((id, o) -> {
                            if (o.count() > 0) {
                                found.add(new Residue(kind, id, store.name(), target, o.count()));
                            }
                        }));
                    }
                }
                checked += ids.size();
                after = ids.get(ids.size() - 1);
            }
            log.info("Verification: {} purged {} account(s) checked in {}; {} with something left", checked, kind,
                    kindStores.stream().filter(AccountStore::verifiable).map(AccountStore::name).toList(),
                    found.stream().filter(r -> r.kind() == kind).map(Residue::accountId).distinct().count());
        }
        return found;
    }
}
