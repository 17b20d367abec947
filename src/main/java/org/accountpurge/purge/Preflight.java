package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.graph.DeletePlan;
import org.accountpurge.graph.PlanException;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.elasticsearch.ElasticsearchStore;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.postgres.PostgresAccounts;
import org.accountpurge.store.postgres.TenantPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Runs first in every execution, before anything is read or deleted: derives both delete plans from the
 * database's catalog (refusing unruled edges, cycles, bad rules), tries each retention query, and checks that
 * every configured index exists and the realm answers. Reports every problem at once.
 */
public class Preflight implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(Preflight.class);

    private final DataSource dataSource;
    private final PurgeProperties config;
    private final ElasticsearchStore elasticsearch;
    private final KeycloakAccounts keycloak;

    public Preflight(DataSource dataSource, PurgeProperties config, ElasticsearchStore elasticsearch,
                     KeycloakAccounts keycloak) {
        this.dataSource = dataSource;
        this.config = config;
        this.elasticsearch = elasticsearch;
        this.keycloak = keycloak;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        List<String> problems = new ArrayList<>();
        for (String kind : List.of(PurgeProperties.USER, PurgeProperties.ORG)) {
            try {
                TenantPlan plan = TenantPlan.read(dataSource, config, kind);
                describe(kind, plan.plan());
                PostgresAccounts accounts = new PostgresAccounts(dataSource, plan);
                accounts.protectedAccounts(List.of());
                for (PurgeProperties.RetentionRule rule : config.retentionFor(kind)) {
                    if (rule.sql() != null) {
                        try {
                            accounts.ruleMatches(rule.sql(), List.of());
                        } catch (StoreException e) {
                            problems.add("purge.retention " + rule.name() + ": the sql does not run ("
                                    + e.errorType() + " " + rootMessage(e) + ")");
                        }
                    }
                }
            } catch (PlanException e) {
                e.problems().forEach(p -> problems.add(kind + " accounts: " + p));
            }
        }
        for (PurgeProperties.Index index : config.elasticsearch().indexes()) {
            try {
                if (!elasticsearch.indexExists(index.name())) {
                    problems.add("purge.elasticsearch.indexes: index " + index.name() + " does not exist");
                }
            } catch (StoreException e) {
                problems.add("Elasticsearch at purge.elasticsearch.url does not answer: " + e.errorType());
                break;
            }
        }
        try {
            keycloak.checkAccess();
        } catch (StoreException e) {
            problems.add("Keycloak realm " + config.keycloak().realm() + " cannot be read with client "
                    + config.keycloak().clientId() + ": " + e.errorType());
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
        return RepeatStatus.FINISHED;
    }

    private static void describe(String kind, DeletePlan plan) {
        log.info("Delete plan for {} accounts: tables in order {}; set-null {}; protect {}", kind, plan.deletedTables(),
                plan.operations().stream().filter(o -> o instanceof DeletePlan.SetNull)
                        .map(o -> ((DeletePlan.SetNull) o).edge().edge()).toList(),
                plan.protect().stream().map(p -> p.edge().edge()).toList());
        plan.warnings().forEach(w -> log.warn("Delete plan for {} accounts: {}", kind, w));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? "" : m.lines().findFirst().orElse("");
    }

    /** The configuration or the stores are not fit for a purge; nothing has been touched. */
    public static class PreflightException extends RuntimeException {
        public PreflightException(List<String> problems) {
            super("Nothing was purged; fix the configuration first:\n  - " + String.join("\n  - ", problems));
        }
    }
}
