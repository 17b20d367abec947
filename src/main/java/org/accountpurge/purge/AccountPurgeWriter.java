package org.accountpurge.purge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.accountpurge.audit.StepLog;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.retention.RetentionEvaluator;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.TargetOutcome;
import org.accountpurge.store.elasticsearch.ElasticsearchStore;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.postgres.PostgresAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.dao.DataAccessException;

/**
 * Removes a chunk of accounts from every store, in the order that never strands an account: retention is checked
 * again (a chunk may have changed since the retain step), the Keycloak user is locked out (disabled, sessions
 * ended), Elasticsearch documents are deleted, the database rows are deleted in the chunk's transaction, the
 * Keycloak user is deleted, and the candidates are marked purged in that same transaction. Every outcome goes to
 * the step log; any failure fails the chunk (its database work rolls back) and the step. Each call is idempotent,
 * so a restart simply does the chunk again.
 */
public class AccountPurgeWriter implements ItemWriter<Candidate> {

    private static final Logger log = LoggerFactory.getLogger(AccountPurgeWriter.class);

    private final StepLog.Context context;
    private final RetentionEvaluator retention;
    private final CandidateStore candidates;
    private final KeycloakAccounts keycloak;
    private final ElasticsearchStore elasticsearch;
    private final List<PurgeProperties.Index> indexes;
    private final PostgresAccounts postgres;
    private final StepLog stepLog;
    private final ExecutionContext timings;
    private final boolean dryRun;
    private final Progress progress;

    /**
     * @param keycloak null for kinds without login identities (orgs)
     * @param timings  the step's execution context: milliseconds spent per store are added under {@code ms.<store>}
     * @param dryRun   touch no store: retention is recorded, the accounts that would be purged stay pending
     */
    public AccountPurgeWriter(StepLog.Context context, RetentionEvaluator retention, CandidateStore candidates,
                              KeycloakAccounts keycloak, ElasticsearchStore elasticsearch,
                              List<PurgeProperties.Index> indexes, PostgresAccounts postgres, StepLog stepLog,
                              ExecutionContext timings, boolean dryRun) {
        this.context = context;
        this.retention = retention;
        this.candidates = candidates;
        this.keycloak = keycloak;
        this.elasticsearch = elasticsearch;
        this.indexes = List.copyOf(indexes);
        this.postgres = postgres;
        this.stepLog = stepLog;
        this.timings = timings;
        this.dryRun = dryRun;
        this.progress = new Progress(context.kind(), dryRun);
    }

    /** A progress line at most every {@link #INTERVAL}, whatever the chunk size: totals so far and the rate. */
    private static final class Progress {
        private static final long INTERVAL = java.time.Duration.ofSeconds(30).toNanos();
        private final String kind;
        private final boolean dryRun;
        private final long start = System.nanoTime();
        private long lastLog = start;
        private long done;
        private long notFound;

        Progress(String kind, boolean dryRun) {
            this.kind = kind;
            this.dryRun = dryRun;
        }

        void add(long purged, long missing) {
            done += purged;
            notFound += missing;
            long now = System.nanoTime();
            if (now - lastLog >= INTERVAL) {
                lastLog = now;
                double seconds = Math.max(1, (now - start) / 1_000_000_000L);
                log.info(dryRun ? "Dry run, {} accounts: {} would be purged so far ({} s)"
                                : "Purging {} accounts: {} purged, {} not found in any store so far ({} s, {}/s)",
                        kind, done, dryRun ? (long) seconds : notFound, (long) seconds,
                        String.format("%.0f", (done + notFound) / seconds));
            }
        }
    }

    @Override
    public void write(Chunk<? extends Candidate> chunk) {
        List<String> ids = new ArrayList<>(chunk.getItems().stream().map(Candidate::accountId).toList());
        Map<String, Set<String>> retained = retention.reasons(ids);
        if (!retained.isEmpty()) {
            candidates.retain(context.runId(), context.kind(), retained);
            ids.removeAll(retained.keySet());
            log.info("{} {} account(s) retained at purge time (changed since the retain step)", retained.size(),
                    context.kind());
        }
        if (ids.isEmpty()) {
            return;
        }
        if (dryRun) {
            progress.add(ids.size(), 0);
            return;
        }
        if (keycloak != null) {
            stepLog.started(context, "keycloak", ids);
            external("keycloak", keycloak.realm(), ids, () -> keycloak.lockOut(ids));
        }
        if (!indexes.isEmpty()) {
            stepLog.started(context, "elasticsearch", ids);
        }
        for (PurgeProperties.Index index : indexes) {
            external("elasticsearch", index.name(), ids, () -> "id".equals(index.match())
                    ? elasticsearch.deleteByIds(index.name(), ids)
                    : elasticsearch.deleteByField(index.name(), index.field(), ids));
        }
        Map<String, Map<String, TargetOutcome>> rows;
        long start = System.nanoTime();
        try {
            rows = postgres.purge(ids);
            took("postgres", start);
        } catch (DataAccessException e) {
            String error = e.getMostSpecificCause().getClass().getSimpleName();
            if (e.getMostSpecificCause() instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                error = error + " " + sql.getSQLState();
            }
            stepLog.failed(context, "postgres", "*", ids, error);
            throw new PurgeFailedException("postgres", "*", ids.size(), error, e);
        }
        rows.forEach((target, outcomes) -> stepLog.inTransaction(context, "postgres", target, outcomes));
        if (keycloak != null) {
            external("keycloak", keycloak.realm(), ids, () -> keycloak.delete(ids));
        }
        int notFound = candidates.markDone(context.runId(), context.kind(), ids);
        progress.add(ids.size() - notFound, notFound);
    }

    private interface Call {
        Map<String, TargetOutcome> run();
    }

    private void took(String store, long startNanos) {
        String key = "ms." + store;
        timings.putLong(key, timings.getLong(key, 0L) + (System.nanoTime() - startNanos) / 1_000_000);
    }

    private void external(String store, String target, List<String> ids, Call call) {
        Map<String, TargetOutcome> outcomes;
        long start = System.nanoTime();
        try {
            outcomes = call.run();
            took(store, start);
        } catch (StoreException e) {
            stepLog.failed(context, store, target, ids, e.errorType());
            throw new PurgeFailedException(store, target, ids.size(), e.errorType(), e);
        }
        stepLog.committed(context, store, target, outcomes);
        List<TargetOutcome> failed = outcomes.values().stream().filter(TargetOutcome::isFailure).toList();
        if (!failed.isEmpty()) {
            throw new PurgeFailedException(store, target, failed.size(), failed.get(0).errorClass(), null);
        }
    }
}
