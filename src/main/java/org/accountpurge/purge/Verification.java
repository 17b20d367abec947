package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.accountpurge.candidate.AccountKind;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Checks that the accounts a run purged are gone from every store: page by page, each store's {@link
 * AccountStore#verify} for the run's PURGED accounts of each kind — the stores of a page at once, the database on the
 * calling thread, the others on threads of their own (Keycloak's one call per user takes the longest; the other stores'
 * checks hide behind it). Reads only.
 */
public final class Verification implements VerifyTasklet.ResidueSource {

    private static final Logger log = LoggerFactory.getLogger(Verification.class);
    private static final int PAGE = 500;

    /** Something left of a purged account: {@code count} rows, documents or users on one target of one store. */
    public record Residue(AccountKind kind, String accountId, String store, String target, long count) {
    }

    private final TenantStores stores;
    private final JdbcTemplate jdbc;
    private final Map<String, Long> millis = new LinkedHashMap<>();
    private volatile String coverage;

    public Verification(TenantStores stores, JdbcTemplate jdbc) {
        this.stores = stores;
        this.jdbc = jdbc;
    }

    /** Everything left of the run's purged accounts (empty when they are gone everywhere). */
    @Override
    public List<Residue> residue(long runId) {
        List<Residue> found = new ArrayList<>();
        synchronized (millis) {
            millis.clear();
        }
        ExecutorService others = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "verify-store");
            thread.setDaemon(true);
            return thread;
        });
        Map<AccountKind, List<AccountStore>> asked = new LinkedHashMap<>();
        try {
            for (AccountKind kind : stores.kinds()) {
                var database = stores.postgres(kind);
                List<AccountStore> kindStores = stores.forKind(kind, database);
                kindStores.stream().filter(s -> !s.verifiable()).forEach(s -> log.warn("Verification: {} cannot be"
                        + " checked for {} accounts after the purge ({}); not verified", s.name(), kind, s.target()));
                List<AccountStore> checked = kindStores.stream().filter(AccountStore::verifiable).toList();
                asked.put(kind, kindStores);
                long accounts = 0;
                String after = "";
                while (true) {
                    List<String> ids = jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = ? AND"
                            + " kind = ? AND state = 'PURGED' AND account_id > ? ORDER BY account_id LIMIT " + PAGE,
                            String.class, runId, kind.code(), after);
                    if (ids.isEmpty()) {
                        break;
                    }
                    found.addAll(page(kind, ids, database, checked, others));
                    accounts += ids.size();
                    after = ids.get(ids.size() - 1);
                }
                log.info("Verification: {} purged {} account(s) checked in {}; {} with something left", accounts, kind,
                        checked.stream().map(AccountStore::name).toList(),
                        found.stream().filter(r -> r.kind() == kind).map(Residue::accountId).distinct().count());
            }
        } finally {
            others.shutdownNow();
        }
        coverage = coverage(asked);
        return found;
    }

    /**
     * What a verification of these stores per kind checks, and what it cannot ({@link AccountStore#verifiable}):
     * "checked user accounts in postgres, keycloak; NOT checked: …" — never more than it asked.
     */
    static String coverage(Map<AccountKind, List<AccountStore>> storesByKind) {
        List<String> checkedIn = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        storesByKind.forEach((kind, kindStores) -> {
            checkedIn.add(kind + " accounts in " + String.join(", ", kindStores.stream()
                    .filter(AccountStore::verifiable).map(AccountStore::checkedAs).toList()));
            kindStores.stream().filter(s -> !s.verifiable()).forEach(s -> notChecked.add(s.name() + " " + s.target()
                    + " for " + kind + " accounts (its data cannot be found once the account is purged)"));
        });
        return "checked " + String.join("; ", checkedIn)
                + (notChecked.isEmpty() ? "" : "; NOT checked: " + String.join("; ", notChecked));
    }

    /**
     * What the last {@link #residue} checked, per kind and store, and what it could not check: "checked user accounts
     * in postgres, elasticsearch; NOT checked: keycloak casefiles for user accounts (…)".
     */
    @Override
    public String coverage() {
        return coverage;
    }

    /**
     * What {@code stores} find left of one page of accounts: the database (if among them) on this thread, the others at
     * once on {@code others}. A store that throws, or could not check an account, fails the page.
     */
    List<Residue> page(AccountKind kind, List<String> ids, AccountStore database, List<AccountStore> stores,
                       ExecutorService others) {
        Map<AccountStore, CompletableFuture<StoreOutcomes>> pending = new LinkedHashMap<>();
        stores.stream().filter(s -> s != database).forEach(store ->
                pending.put(store, CompletableFuture.supplyAsync(() -> timed(store, ids), others)));
        Map<AccountStore, StoreOutcomes> outcomes = new LinkedHashMap<>();
        if (stores.contains(database)) {
            outcomes.put(database, timed(database, ids));
        }
        pending.forEach((store, outcome) -> outcomes.put(store, join(outcome)));
        outcomes.forEach(Verification::refuseUnchecked);
        List<Residue> found = new ArrayList<>();
        outcomes.forEach((store, outcome) -> outcome.byTarget().forEach((target, perAccount) ->
                perAccount.forEach((id, o) -> {
                    if (o.count() > 0) {
                        found.add(new Residue(kind, id, store.name(), target, o.count()));
                    }
                })));
        return found;
    }

    /**
     * A check the store could not make (Keycloak unreachable, a refused call) is not "nothing left": the verification
     * fails, naming the store, the target and the error (a restart of the run verifies again).
     */
    private static void refuseUnchecked(AccountStore store, StoreOutcomes outcomes) {
        outcomes.byTarget().forEach((target, perAccount) -> {
            List<String> errors = perAccount.values().stream().filter(TargetOutcome::isFailure)
                    .map(TargetOutcome::errorClass).distinct().toList();
            if (!errors.isEmpty()) {
                long accounts = perAccount.values().stream().filter(TargetOutcome::isFailure).count();
                throw new StoreException(store.name(), "the verification could not check " + accounts
                        + " purged account(s) in " + target + " (" + String.join(", ", errors) + "): not verified until"
                        + " checked again once " + store.name() + " answers", null, errors.get(0));
            }
        });
    }

    /** Milliseconds each store's checks took in the last {@link #residue} (they overlap). */
    @Override
    public Map<String, Long> millisByStore() {
        synchronized (millis) {
            return Map.copyOf(millis);
        }
    }

    private StoreOutcomes timed(AccountStore store, List<String> ids) {
        long start = System.nanoTime();
        try {
            return store.verify(ids);
        } finally {
            synchronized (millis) {
                millis.merge(store.name(), (System.nanoTime() - start) / 1_000_000, Long::sum);
            }
        }
    }

    /** The store's outcome, or what it threw (unwrapped), as if it had run on this thread. */
    private static StoreOutcomes join(CompletableFuture<StoreOutcomes> outcome) {
        try {
            return outcome.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
