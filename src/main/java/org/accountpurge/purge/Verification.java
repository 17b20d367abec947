package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.accountpurge.account.AccountKind;
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

    /**
     * Where a verification goes on: the next page starts after account {@code after} (empty: at the start) of the
     * kind with code {@code kind}.
     */
    public record Position(String kind, String after) {
    }

    /** One page's residue, and where the next page starts (null: the verification is done). */
    public record Page(List<Residue> residue, Position next) {
    }

    private final TenantStores stores;
    private final JdbcTemplate jdbc;
    private final int pageSize;
    private final Map<String, Long> millis = new LinkedHashMap<>();
    private volatile String coverage;
    /**
     * Each kind's database store (its delete plan read from the catalog) and stores, read once per verification (at
     * its first page, or the first page this instance checks after a restart), not once a page.
     */
    private final Map<AccountKind, KindStores> storesOfKind = new java.util.concurrent.ConcurrentHashMap<>();

    /** A kind's database store and all its stores (the database among them). */
    private record KindStores(AccountStore database, List<AccountStore> all) {
    }

    public Verification(TenantStores stores, JdbcTemplate jdbc) {
        this(stores, jdbc, PAGE);
    }

    /** @param pageSize accounts per page ({@code purge.job.verify-page-size}: a stop waits for one page at most) */
    public Verification(TenantStores stores, JdbcTemplate jdbc, int pageSize) {
        this.stores = stores;
        this.jdbc = jdbc;
        this.pageSize = pageSize;
    }

    /** Everything left of the run's purged accounts (empty when they are gone everywhere), page after page. */
    @Override
    public List<Residue> residue(long runId) {
        List<Residue> found = new ArrayList<>();
        Map<String, Long> total = new LinkedHashMap<>();
        Position at = null;
        do {
            Page page = page(runId, at);
            found.addAll(page.residue());
            millisByStore().forEach((store, ms) -> total.merge(store, ms, Long::sum));
            at = page.next();
        } while (at != null);
        synchronized (millis) {
            millis.clear();
            millis.putAll(total);
        }
        return found;
    }

    /**
     * One page of the verification: up to a page of the run's PURGED accounts of one kind after {@code at} (null: the
     * start), checked in every store of that kind. Kinds with nothing left to check are passed over. Once the last
     * page is checked, {@link #coverage()} says what the verification checked.
     */
    @Override
    public Page page(long runId, Position at) {
        synchronized (millis) {
            millis.clear();
        }
        if (at == null) { // a verification starts: the database as it is now
            storesOfKind.clear();
        }
        List<AccountKind> kinds = List.copyOf(stores.kinds());
        int k = at == null ? 0 : kinds.indexOf(AccountKind.parse(at.kind()));
        String after = at == null ? "" : at.after();
        for (; k >= 0 && k < kinds.size(); k++, after = "") {
            AccountKind kind = kinds.get(k);
            KindStores ofKind = storesOf(kind);
            AccountStore database = ofKind.database();
            List<AccountStore> kindStores = ofKind.all();
            if (after.isEmpty()) {
                kindStores.stream().filter(s -> !s.verifiable()).forEach(s -> log.warn("Verification: {} cannot be"
                        + " checked for {} accounts after the purge ({}); not verified", s.name(), kind, s.target()));
            }
            List<String> ids = jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = ? AND kind = ?"
                    + " AND state = 'PURGED' AND account_id > ? ORDER BY account_id LIMIT " + pageSize, String.class,
                    runId, kind.code(), after);
            if (ids.isEmpty()) {
                continue;
            }
            List<AccountStore> checked = kindStores.stream().filter(AccountStore::verifiable).toList();
            ExecutorService others = Executors.newCachedThreadPool(r -> {
                Thread thread = new Thread(r, "verify-store");
                thread.setDaemon(true);
                return thread;
            });
            try {
                List<Residue> found = page(kind, ids, database, checked, others);
                log.info("Verification: {} purged {} account(s) checked in {}; {} with something left", ids.size(),
                        kind, checked.stream().map(AccountStore::name).toList(),
                        found.stream().map(Residue::accountId).distinct().count());
                return new Page(found, new Position(kind.code(), ids.get(ids.size() - 1)));
            } finally {
                others.shutdownNow();
            }
        }
        Map<AccountKind, List<AccountStore>> asked = new LinkedHashMap<>();
        kinds.forEach(kind -> asked.put(kind, storesOf(kind).all()));
        coverage = coverage(asked);
        return new Page(List.of(), null);
    }

    /** The kind's stores, the database among them, as read for this verification. */
    private KindStores storesOf(AccountKind kind) {
        return storesOfKind.computeIfAbsent(kind, k -> {
            var database = stores.postgres(k);
            return new KindStores(database, stores.forKind(k, database));
        });
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
