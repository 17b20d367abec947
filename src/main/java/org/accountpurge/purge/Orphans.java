package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.accountpurge.audit.StepLog;
import org.accountpurge.account.AccountKind;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.config.KeycloakSection;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.search.SearchAccounts;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.postgres.PostgresAccounts;

/**
 * The other direction of a purge: documents in the configured indexes and users in the realm whose account no longer
 * exists in the database (leftovers of manual deletions). Keycloak users that are service accounts, or members of a
 * role or group a retention rule names (staff), are never orphans. Removal goes through the stores and the step log
 * (run 0: no purge run).
 */
public final class Orphans {

    /** A document or user whose account ({@code accountId}, as the store holds it) is not in the database. */
    public record Orphan(AccountKind kind, String store, String target, String accountId) {
    }

    private final TenantStores stores;
    private final PurgeProperties config;

    public Orphans(TenantStores stores, PurgeProperties config) {
        this.stores = stores;
        this.config = config;
    }

    /** What cannot be checked (say it in the report), filled by {@link #find()}. */
    private final List<String> unchecked = new ArrayList<>();

    public List<String> unchecked() {
        return List.copyOf(unchecked);
    }

    public List<Orphan> find() {
        List<Orphan> orphans = new ArrayList<>();
        for (AccountKind kind : stores.kinds()) {
            PostgresAccounts database = stores.postgres(kind);
            if (config.elasticsearch() != null) {
                stores.elasticsearch().ifPresent(es -> {
                    for (PurgeProperties.Index index : config.elasticsearch().indexesFor(kind)) {
                        String field = index.match() == PurgeProperties.IndexMatch.ID ? null : index.field();
                        es.accountIds(index.name(), field, batch -> missing(database, batch, Set.of())
                                .forEach(id -> orphans.add(new Orphan(kind, "elasticsearch", index.name(), id))));
                    }
                });
            }
            stores.keycloak(kind).ifPresent(keycloak -> {
                if (config.keycloak().userMatch() == KeycloakSection.UserMatch.DATABASE) {
                    // only the users a purge deleted can be traced back (their ids were kept): one still in the realm
                    // whose account is gone is an orphan; the realm's other users stand for no known account
                    unchecked.add("keycloak realm " + keycloak.realm() + ": users matched by database are traced back"
                            + " only through the ids the purge kept when it deleted them; the realm's other users were"
                            + " not checked");
                    keycloak.keptAccounts(batch -> {
                        List<String> gone = missing(database, batch, Set.of());
                        if (!gone.isEmpty()) {
                            StoreOutcomes there = keycloak.verify(gone);
                            there.failures("keycloak").stream().findFirst().ifPresent(f -> {
                                throw new org.accountpurge.store.StoreException("keycloak", "orphans could not look up"
                                        + " the kept Keycloak users of realm " + keycloak.realm() + " (" + f.errorClass()
                                        + ")", null, f.errorClass());
                            });
                            there.residue().values().stream().flatMap(List::stream).distinct()
                                    .forEach(id -> orphans.add(new Orphan(kind, "keycloak", keycloak.realm(), id)));
                        }
                    });
                    return;
                }
                Set<String> staff = staff(kind, keycloak);
                Set<String> suspects = new java.util.LinkedHashSet<>();
                keycloak.accountKeys(batch -> suspects.addAll(missing(database, batch, staff)));
                if (keycloak.lookups().foldsCase()) { // a username 'alice' is account 'Alice's: no orphan
                    suspects.removeAll(database.existingIgnoringCase(suspects));
                }
                suspects.forEach(id -> orphans.add(new Orphan(kind, "keycloak", keycloak.realm(), id)));
            });
        }
        return orphans;
    }

    private Set<String> staff(AccountKind kind, KeycloakAccounts keycloak) {
        Set<String> staff = new HashSet<>();
        for (PurgeProperties.RetentionRule rule : config.retentionFor(kind)) {
            if (rule.keycloakRole() != null) {
                staff.addAll(keycloak.lookups().roleMembers(rule.keycloakRole()));
            } else if (rule.keycloakGroup() != null) {
                staff.addAll(keycloak.lookups().groupMembers(rule.keycloakGroup()));
            }
        }
        return staff;
    }

    private static List<String> missing(PostgresAccounts database, List<String> batch, Set<String> keep) {
        Set<String> existing = database.existing(batch);
        return batch.stream().filter(id -> !existing.contains(id) && !keep.contains(id)).toList();
    }

    /** Removes the orphans from their stores; every outcome goes to the step log (run 0). */
    public StoreOutcomes remove(List<Orphan> orphans, StepLog stepLog) {
        StoreOutcomes all = StoreOutcomes.none();
        Map<Orphan, List<String>> byTarget = new LinkedHashMap<>();
        orphans.forEach(o -> byTarget.computeIfAbsent(new Orphan(o.kind(), o.store(), o.target(), null),
                k -> new ArrayList<>()).add(o.accountId()));
        byTarget.forEach((where, ids) -> {
            StepLog.Context context = new StepLog.Context(0, 0, where.kind());
            for (int from = 0; from < ids.size(); from += 500) {
                List<String> slice = ids.subList(from, Math.min(ids.size(), from + 500));
                StoreOutcomes done = where.store().equals("keycloak")
                        ? stores.keycloak(where.kind()).orElseThrow().removeWithKept(slice)
                        : new SearchAccounts(stores.elasticsearch().orElseThrow(), config.elasticsearch()
                        .indexesFor(where.kind()).stream().filter(i -> i.name().equals(where.target())).toList())
                        .remove(slice);
                stepLog.committed(context, where.store(), done);
                done.byTarget().forEach(all::put);
            }
        });
        return all;
    }
}
