package org.accountpurge.purge;

import java.time.LocalDate;
import java.time.ZoneOffset;

import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.accountpurge.candidate.CsvCandidateReader;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.config.KeycloakSection;
import org.accountpurge.config.SelectionSection;
import org.accountpurge.graph.DeletePlan;
import org.accountpurge.graph.PlanException;
import org.accountpurge.store.StoreException;
import org.accountpurge.account.AccountKind;
import org.accountpurge.store.postgres.PostgresAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Runs first in every execution, before anything is read or deleted: derives the delete plan of each configured kind
 * from the database's catalog (refusing unruled edges, cycles, bad rules), tries each retention and lookup query, and
 * checks that every configured index exists and the realm answers. Reports every problem at once, and logs which
 * stores the run touches.
 */
public class Preflight implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(Preflight.class);

    private final PurgeProperties config;
    private final TenantStores stores;
    /**
     * Whether this context's preflight has logged what it found already: the command line checks before it creates
     * an execution, and the execution's first step checks again; what both find is logged once (at debug the second
     * time), problems are reported each time.
     */
    private volatile boolean told;

    public Preflight(PurgeProperties config, TenantStores stores) {
        this.config = config;
        this.stores = stores;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        List<String> problems = problems();
        JobParameters parameters = contribution.getStepExecution().getJobExecution().getJobParameters();
        String input = parameters.getString(org.accountpurge.candidate.CandidateSource.INPUT);
        String sha256 = parameters.getString(org.accountpurge.candidate.CandidateSource.INPUT_SHA256);
        if (input != null && sha256 != null) {
            String now = Files.isRegularFile(Path.of(input)) ? CsvCandidateReader.sha256(Path.of(input)) : "missing";
            if (!now.equals(sha256)) {
                problems.add("the input file " + input + " changed since this run started (SHA-256 " + sha256
                        + ", now " + now + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
        return RepeatStatus.FINISHED;
    }

    /**
     * Every reason this configuration cannot purge now (empty when it can): unruled or impossible edges, retention
     * queries that do not run, missing indexes, a realm the client cannot read. Touches nothing.
     */
    public List<String> problems() {
        stores.describe().forEach(line -> info("Stores this purge touches: {}", line));
        List<String> problems = new ArrayList<>();
        stores.events().map(org.accountpurge.store.postgres.DeletionEvents::problem).ifPresent(problems::add);
        databaseProblems(problems);
        elasticsearchProblems(problems);
        keycloakProblems(problems);
        if (config.selection() != null) {
            selectionProblems(problems);
        }
        told = true;
        return problems;
    }

    /** Each kind's delete plan and retention queries, and edge rules no plan uses. */
    private void databaseProblems(List<String> problems) {
        List<org.accountpurge.graph.DeletePlan> plans = new ArrayList<>();
        boolean planned = true;
        for (AccountKind kind : stores.kinds()) {
            try {
                PostgresAccounts accounts = stores.postgres(kind);
                describe(kind, accounts.plan().plan());
                plans.add(accounts.plan().plan());
                for (String successor : accounts.plan().plan().reassigns().stream().filter(r -> !r.picked())
                        .map(DeletePlan.Reassign::successor).distinct().toList()) {
                    if (accounts.existing(List.of(successor)).isEmpty()) {
                        problems.add("purge.edges.successor." + kind + ": the database has no " + kind + " account "
                                + successor + " (the successor is a row of " + accounts.plan().plan().root().table()
                                + " kept for it; create it first)");
                    }
                }
                problems.addAll(accounts.successorProblems());
                accounts.protectedAccounts(List.of());
                problems.addAll(accounts.promotionProblems());
                problems.addAll(accounts.scrubProblems());
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
                planned = false;
                e.problems().forEach(p -> problems.add(kind + " accounts: " + p));
            } catch (StoreException e) {
                problems.add(kind + " accounts: " + e.getMessage() + " " + rootMessage(e));
            }
        }
        if (planned && !plans.isEmpty()) {
            problems.addAll(org.accountpurge.graph.DeletePlanner.unusedRules(config.edges().rules(), plans));
        }
    }

    /**
     * The search server is one this tool supports (it says which), each index exists, and a field an index is matched
     * by is one a search finds whole ids in.
     */
    private void elasticsearchProblems(List<String> problems) {
        stores.elasticsearch().ifPresent(elasticsearch -> {
            try {
                org.accountpurge.store.search.SearchServer server = elasticsearch.server();
                info("Search server at purge.elasticsearch.url: {}", server);
                if (server.problem() != null) {
                    problems.add(server.problem());
                    return;
                }
                for (PurgeProperties.Index index : config.elasticsearch().indexes()) {
                    if (!elasticsearch.indexExists(index.name())) {
                        problems.add("purge.elasticsearch.indexes: index " + index.name() + " does not exist");
                    } else if (index.match() == PurgeProperties.IndexMatch.FIELD) {
                        String problem = elasticsearch.fieldProblem(index.name(), index.field());
                        if (problem != null) {
                            problems.add("purge.elasticsearch.indexes[" + index.name() + "].field: " + problem);
                        }
                    }
                }
            } catch (StoreException e) {
                problems.add("the search server at purge.elasticsearch.url does not answer: " + e.errorType());
            }
        });
    }

    /** The Keycloak id look-up runs, and the client can read the realm with the roles this configuration needs. */
    private void keycloakProblems(List<String> problems) {
        stores.keycloak(AccountKind.USER).ifPresent(keycloak -> {
            try {
                keycloak.checkLookup();
            } catch (StoreException e) {
                problems.add("purge.keycloak.user-id-sql does not run: " + e.getMessage() + " " + rootMessage(e));
            }
            try {
                keycloak.checkAccess();
                java.util.Map<String, String> needed = neededRoles();
                List<String> missing = keycloak.missingRoles(List.copyOf(needed.keySet()));
                if (!missing.isEmpty()) {
                    problems.add("Keycloak client " + config.keycloak().clientId() + " of realm "
                            + config.keycloak().realm() + " lacks the realm-management role(s) " + missing.stream()
                            .map(role -> role + " (" + needed.get(role) + ")").toList() + ": grant them to its"
                            + " service account");
                }
            } catch (StoreException e) {
                problems.add("Keycloak realm " + config.keycloak().realm() + " cannot be read with client "
                        + config.keycloak().clientId() + " (purge.keycloak): " + e.getMessage());
            }
        });
    }

    /**
     * The realm-management roles this configuration needs of the Keycloak client's service account, each with what
     * for: reading and deleting (or disabling) users always; searching them when they are matched by username or
     * attribute; group and role members for the retention rules that name them; login events for the nightly
     * purge's activity veto.
     */
    private java.util.Map<String, String> neededRoles() {
        java.util.Map<String, String> roles = new java.util.LinkedHashMap<>();
        roles.put("view-users", "to read users");
        roles.put("manage-users", "to delete and disable users");
        KeycloakSection.UserMatch match = config.keycloak().userMatch();
        if (match == KeycloakSection.UserMatch.USERNAME || match == KeycloakSection.UserMatch.ATTRIBUTE) {
            roles.put("query-users", "to find users by " + match.name().toLowerCase(java.util.Locale.ROOT));
        }
        List<PurgeProperties.RetentionRule> rules = config.retentionFor(AccountKind.USER);
        if (rules.stream().anyMatch(rule -> rule.keycloakGroup() != null)) {
            roles.put("query-groups", "for the keycloak-group retention rules");
        }
        if (rules.stream().anyMatch(rule -> rule.keycloakRole() != null)) {
            roles.put("view-realm", "for the keycloak-role retention rules");
        }
        if (config.selection() != null && config.selection().user() != null) {
            roles.put("view-events", "for the nightly purge's activity veto");
        }
        return roles;
    }

    private void info(String format, Object... arguments) {
        if (told) {
            log.debug(format, arguments);
        } else {
            log.info(format, arguments);
        }
    }

    private void warn(String format, Object... arguments) {
        if (told) {
            log.debug(format, arguments);
        } else {
            log.warn(format, arguments);
        }
    }

    /** The selection queries run; the realm can show users' activity over the inactivity window. */
    private void selectionProblems(List<String> problems) {
        for (AccountKind kind : stores.kinds()) {
            try {
                stores.selection(kind, LocalDate.now(ZoneOffset.UTC)).ifPresent(query -> query.page(null, 1));
            } catch (StoreException e) {
                problems.add("purge.selection." + kind + ".sql does not run (" + e.errorType() + " " + rootMessage(e)
                        + ")");
            }
        }
        SelectionSection.KindSelection users = config.selection().user();
        if (users == null || users.activityAge() == null) {
            return;
        }
        stores.keycloak(AccountKind.USER).ifPresent(keycloak -> {
            String events;
            try {
                events = keycloak.activity().eventsProblem(users.activityAge());
            } catch (StoreException e) {
                problems.add("the activity veto cannot read realm " + config.keycloak().realm() + "'s events: "
                        + e.getMessage() + " (grant the purge client's service account realm-management view-events)");
                return;
            }
            if (events != null && config.selection().requireEvents()) {
                problems.add(events + " (purge.selection.require-events is true)");
            } else if (events != null) {
                warn("Activity veto: {}", events);
            }
        });
    }

    private void describe(AccountKind kind, DeletePlan plan) {
        info("Delete plan for {} accounts: tables in order {}; set-null {}; protect {}", kind, plan.deletedTables(),
                plan.operations().stream().filter(o -> o instanceof DeletePlan.SetNull)
                        .map(o -> ((DeletePlan.SetNull) o).edge().edge()).toList(),
                plan.protect().stream().map(p -> p.edge().edge()).toList());
        List<DeletePlan.Reassign> fixed = plan.reassigns().stream().filter(r -> !r.picked()).toList();
        if (!fixed.isEmpty()) {
            info("Delete plan for {} accounts: reassign {} to successor account {}", kind,
                    fixed.stream().map(r -> r.edge().edge()).toList(), fixed.get(0).successor());
        }
        List<String> picked = plan.reassigns().stream().filter(DeletePlan.Reassign::picked).map(r -> r.edge().edge())
                .toList();
        if (!picked.isEmpty()) {
            info("Delete plan for {} accounts: reassign {} to the successor each row's query picks (an account a row"
                    + " finds none for is retained)", kind, picked);
        }
        plan.scrubs().forEach(scrub -> info("Delete plan for {} accounts: {} rows kept and scrubbed (columns {})",
                kind, scrub.table(), scrub.columns().stream().map(c -> c.column() + " as " + c.as().name()
                        .toLowerCase(java.util.Locale.ROOT)).toList()));
        plan.warnings().forEach(w -> warn("Delete plan for {} accounts: {}", kind, w));
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
            super("Nothing was purged; fix these first:\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        private final List<String> problems;

        public List<String> problems() {
            return problems;
        }
    }
}
