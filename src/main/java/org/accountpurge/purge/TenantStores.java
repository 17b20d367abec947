package org.accountpurge.purge;

import org.accountpurge.retention.ActivityCheck;
import org.accountpurge.retention.RetentionCheck;
import org.accountpurge.store.postgres.SelectionQuery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.accountpurge.account.AccountKind;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.config.SelectionSection;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.search.SearchAccounts;
import org.accountpurge.store.search.SearchStore;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.postgres.PostgresAccounts;
import org.accountpurge.store.postgres.ReadOnlyQueries;
import org.accountpurge.store.postgres.KindSchema;
import org.accountpurge.store.postgres.TenantPlan;

/**
 * The stores this tenant's configuration names, per kind of account: always the database, Elasticsearch when
 * {@code purge.elasticsearch} has indexes for the kind, Keycloak for users when {@code purge.keycloak} is there.
 */
public final class TenantStores {

    private final PurgeProperties config;
    private final DataSource dataSource;
    private final ReadOnlyQueries readOnly;
    private final Optional<SearchStore> elasticsearch;
    private final Optional<KeycloakAccounts> keycloak;

    public TenantStores(PurgeProperties config, DataSource dataSource, ReadOnlyQueries readOnly,
                        Optional<SearchStore> elasticsearch, Optional<KeycloakAccounts> keycloak) {
        this.config = config;
        this.dataSource = dataSource;
        this.readOnly = readOnly;
        this.elasticsearch = elasticsearch;
        this.keycloak = keycloak;
    }

    /** What the database side of a kind is configured as, for the PostgreSQL store. */
    public static KindSchema schema(PurgeProperties config, AccountKind kind) {
        PurgeProperties.Root root = config.roots().of(kind);
        org.accountpurge.config.ScrubSection scrub = config.scrub();
        return new KindSchema(kind, config.postgres().schema(), root == null ? null : root.table(),
                root == null ? null : root.idColumn(), config.edges().rules(), config.edges().defaultEdgeRule(),
                config.edges().successor().of(kind), config.edges().successorQueryByEdge(), config.promotions().stream()
                .filter(p -> p.appliesTo() == kind)
                .map(p -> new org.accountpurge.store.postgres.PromotionRule(p.name(), p.groupsSql(), p.promoteSql()))
                .toList(), scrub == null || scrub.of(kind) == null ? List.of() : scrub.of(kind).plan(),
                scrub == null || scrub.of(kind) == null ? java.util.Map.of() : scrub.of(kind).tablePlan(),
                scrub == null ? null : org.accountpurge.store.postgres.ScrubKey.of(scrub.hashKey()));
    }

    public List<AccountKind> kinds() {
        return config.kinds();
    }

    /**
     * The kind's accounts in the database, with the delete plan derived now from the catalog.
     *
     * @throws org.accountpurge.graph.PlanException when an edge has no rule, the root is missing, or rules conflict
     */
    public PostgresAccounts postgres(AccountKind kind) {
        return new PostgresAccounts(dataSource, readOnly, TenantPlan.read(dataSource, schema(config, kind)));
    }

    /** The deletion-event outbox, when {@code purge.events} is configured. */
    public Optional<org.accountpurge.store.postgres.DeletionEvents> events() {
        return config.events() == null ? Optional.empty()
                : Optional.of(new org.accountpurge.store.postgres.DeletionEvents(dataSource, config.events().table()));
    }

    /** The kind's inactivity selection on a run date; empty when the configuration selects no such accounts. */
    public Optional<SelectionQuery> selection(AccountKind kind, java.time.LocalDate runDate) {
        SelectionSection.KindSelection selection = config.selection() == null ? null : config.selection().of(kind);
        if (selection == null) {
            return Optional.empty();
        }
        return Optional.of(new SelectionQuery(readOnly, selection, TenantPlan.idType(dataSource, schema(config, kind)), runDate));
    }

    /**
     * The nightly veto for a run ({@link ActivityCheck}): nothing for a CSV run (null run date) or a kind without a
     * selection; otherwise the selection asked again and, for users, Keycloak's events and sessions after the
     * cut-off.
     */
    public RetentionCheck activity(AccountKind kind, java.time.LocalDate runDate) {
        Optional<SelectionQuery> selection = runDate == null ? Optional.empty() : selection(kind, runDate);
        if (selection.isEmpty()) {
            return ids -> java.util.Map.of();
        }
        SelectionQuery query = selection.get();
        java.time.Instant cutoff = query.activityCutoff();
        return new ActivityCheck(query::stillSelected, cutoff == null ? null
                : keycloak(kind).<java.util.function.Function<List<String>, java.util.Set<String>>>map(
                        kc -> ids -> kc.activity().activeSince(ids, cutoff)).orElse(null));
    }

    /** The realm, for users when the tenant has one. */
    public Optional<KeycloakAccounts> keycloak(AccountKind kind) {
        return kind == AccountKind.USER ? keycloak : Optional.empty();
    }

    public Optional<SearchStore> elasticsearch() {
        return elasticsearch;
    }

    /** Every store holding the kind's accounts, ordered by {@link AccountStore.Phase} (the database among them). */
    public List<AccountStore> forKind(AccountKind kind, PostgresAccounts postgres) {
        List<AccountStore> stores = new ArrayList<>();
        List<PurgeProperties.Index> indexes = config.elasticsearch() == null ? List.of()
                : config.elasticsearch().indexesFor(kind);
        if (!indexes.isEmpty()) {
            elasticsearch.ifPresent(es -> stores.add(new SearchAccounts(es, indexes)));
        }
        stores.add(postgres);
        keycloak(kind).ifPresent(stores::add);
        stores.sort(Comparator.comparing(AccountStore::phase));
        return stores;
    }

    /** One line per kind: the stores and targets a purge of this configuration touches. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (AccountKind kind : kinds()) {
            List<String> parts = new ArrayList<>();
            parts.add("postgres (" + config.postgres().schema() + "." + config.roots().of(kind).table() + " and the rows"
                    + " that reach it)");
            if (config.elasticsearch() != null && !config.elasticsearch().indexesFor(kind).isEmpty()) {
                parts.add("elasticsearch (indexes " + config.elasticsearch().indexesFor(kind).stream()
                        .map(PurgeProperties.Index::name).toList() + ")");
            }
            keycloak(kind).ifPresent(kc -> parts.add("keycloak (realm " + kc.realm() + ", users matched by "
                    + config.keycloak().userMatch().name().toLowerCase(java.util.Locale.ROOT) + ")"));
            lines.add(kind + " accounts: " + String.join(", ", parts));
        }
        List<String> absent = new ArrayList<>();
        if (config.elasticsearch() == null) {
            absent.add("elasticsearch");
        }
        if (config.keycloak() == null) {
            absent.add("keycloak");
        }
        if (!absent.isEmpty()) {
            lines.add("not configured, not touched: " + String.join(", ", absent));
        }
        return lines;
    }
}
