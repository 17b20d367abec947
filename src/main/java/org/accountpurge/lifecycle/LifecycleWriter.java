package org.accountpurge.lifecycle;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.accountpurge.audit.StepLog;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.config.SelectionSection;
import org.accountpurge.purge.PurgeFailedException;
import org.accountpurge.retention.RetentionCheck;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Moves a chunk of selected users one step along the grace lifecycle ({@link GraceLifecycle}), before the purge step:
 * retention first; the activity veto only for the accounts the night is about to warn or disable (those to purge are
 * vetoed by the purge step, the waiting ones are left as they are — a login while waiting is caught when their next
 * step comes); the new ones are warned (the notice statement, in the chunk's transaction, and/or a mail), those
 * warned long enough are disabled in Keycloak (step log: DISABLED), those disabled long enough stay PENDING for the
 * purge step, the others wait; a user the lifecycle disabled whose Keycloak user was enabled again is retained
 * ({@code re-enabled}) and the cycle cancelled. A CSV run (no run date) passes through; a dry run records what it
 * would do in the candidate states and touches nothing else.
 */
public class LifecycleWriter implements ItemWriter<Candidate>, StepExecutionListener {

    public static final String REENABLED = "re-enabled";
    private static final Logger log = LoggerFactory.getLogger(LifecycleWriter.class);

    /**
     * What a step needs: the retention rules, the activity veto (asked only about the accounts the night acts on:
     * those to warn or disable; those to purge are asked by the purge step, the waiting ones need nothing), and the
     * realm.
     */
    public record Setup(RetentionCheck retention, RetentionCheck activity, KeycloakAccounts keycloak) {
    }

    private final AccountKind kind;
    private final String selection;
    private final GraceLifecycle rule;
    private final String noticeSql;
    private final Function<JobParameters, Setup> setup;
    private final CandidateStore candidates;
    private final LifecycleStore lifecycle;
    private final StepLog stepLog;
    private final NamedParameterJdbcTemplate jdbc;
    private final MailNotice mail;

    private Setup stores;
    private StepLog.Context context;
    private LocalDate runDate;
    private boolean dryRun;
    /** Accounts this step execution moved, per step (for the log at its end). */
    private final Map<GraceLifecycle.Step, Long> counts = new EnumMap<>(GraceLifecycle.Step.class);
    private long mailed;

    /** @param mail the warning by mail; null when the lifecycle warns through notice-sql only */
    public LifecycleWriter(AccountKind kind, SelectionSection selection, Function<JobParameters, Setup> setup,
                           CandidateStore candidates, LifecycleStore lifecycle, StepLog stepLog,
                           NamedParameterJdbcTemplate jdbc, MailNotice mail) {
        this.kind = kind;
        this.selection = selection.name();
        this.rule = new GraceLifecycle(selection.lifecycle());
        this.noticeSql = selection.lifecycle().noticeSql();
        this.setup = setup;
        this.candidates = candidates;
        this.lifecycle = lifecycle;
        this.stepLog = stepLog;
        this.jdbc = jdbc;
        this.mail = mail;
    }

    @Override
    public void beforeStep(StepExecution step) {
        JobParameters parameters = step.getJobExecution().getJobParameters();
        context = new StepLog.Context(step.getJobExecution().getJobInstance().getInstanceId(),
                step.getJobExecution().getId(), kind);
        runDate = CandidateSource.runDate(parameters);
        dryRun = CandidateSource.isDryRun(parameters);
        stores = runDate == null ? null : setup.apply(parameters);
        counts.clear();
        mailed = 0;
    }

    @Override
    public org.springframework.batch.core.ExitStatus afterStep(StepExecution step) {
        if (runDate != null) {
            log.info("Grace lifecycle of {} accounts on {}{}: warned {} (disabled from {} unless active; mails sent:"
                    + " {}), disabled {} (purged from {} if still inactive and disabled), cycles cancelled as"
                    + " re-enabled {}", kind, runDate, dryRun ? " (dry run: nothing done)" : "",
                    counts.getOrDefault(GraceLifecycle.Step.WARN, 0L), rule.disableOn(runDate), mailed,
                    counts.getOrDefault(GraceLifecycle.Step.DISABLE, 0L), rule.purgeOnceDisabled(runDate),
                    counts.getOrDefault(GraceLifecycle.Step.CANCEL_REENABLED, 0L));
        }
        return null;
    }

    @Override
    public void write(Chunk<? extends Candidate> chunk) {
        if (runDate == null) {
            return; // a CSV run: no lifecycle
        }
        List<String> ids = new ArrayList<>(chunk.getItems().stream().map(Candidate::accountId).toList());
        Map<String, Set<String>> retained = stores.retention().reasons(ids);
        if (!retained.isEmpty()) {
            candidates.retain(context.runId(), kind, retained);
            ids.removeAll(retained.keySet());
        }
        Map<String, GraceLifecycle.Standing> standings = lifecycle.standings(selection, kind, ids);
        List<String> disabledNow = ids.stream().filter(id -> standings.containsKey(id)
                && LifecycleStore.DISABLED.equals(standings.get(id).state())).toList();
        Set<String> enabled = disabledNow.isEmpty() ? Set.of() : stores.keycloak().activity().enabledAmong(disabledNow);
        Map<GraceLifecycle.Step, List<String>> steps = new EnumMap<>(GraceLifecycle.Step.class);
        for (String id : ids) {
            steps.computeIfAbsent(rule.next(standings.get(id), runDate, enabled.contains(id)), s -> new ArrayList<>())
                    .add(id);
        }
        List<String> acting = new ArrayList<>(steps.getOrDefault(GraceLifecycle.Step.WARN, List.of()));
        acting.addAll(steps.getOrDefault(GraceLifecycle.Step.DISABLE, List.of()));
        Map<String, Set<String>> active = acting.isEmpty() ? Map.of() : stores.activity().reasons(acting);
        if (!active.isEmpty()) {
            candidates.retain(context.runId(), kind, active);
        }
        List<String> warn = steps.getOrDefault(GraceLifecycle.Step.WARN, List.of()).stream()
                .filter(id -> !active.containsKey(id)).toList();
        List<String> disable = steps.getOrDefault(GraceLifecycle.Step.DISABLE, List.of()).stream()
                .filter(id -> !active.containsKey(id)).toList();
        steps.put(GraceLifecycle.Step.WARN, warn);
        steps.put(GraceLifecycle.Step.DISABLE, disable);
        List<String> reEnabled = steps.getOrDefault(GraceLifecycle.Step.CANCEL_REENABLED, List.of());
        if (!reEnabled.isEmpty()) {
            Map<String, Set<String>> reasons = new LinkedHashMap<>();
            reEnabled.forEach(id -> reasons.put(id, Set.of(REENABLED)));
            candidates.retain(context.runId(), kind, reasons);
        }
        List<String> waiting = new ArrayList<>(warn);
        waiting.addAll(steps.getOrDefault(GraceLifecycle.Step.WAIT_WARNED, List.of()));
        candidates.mark(context.runId(), kind, waiting, CandidateStore.WARNED);
        List<String> disabled = new ArrayList<>(disable);
        disabled.addAll(steps.getOrDefault(GraceLifecycle.Step.WAIT_DISABLED, List.of()));
        candidates.mark(context.runId(), kind, disabled, CandidateStore.DISABLED);
        if (dryRun) {
            steps.forEach((step, list) -> counts.merge(step, (long) list.size(), Long::sum));
            return;
        }
        if (!reEnabled.isEmpty()) {
            cancel(reEnabled);
        }
        if (!warn.isEmpty()) {
            warn(warn);
        }
        if (!disable.isEmpty()) {
            disable(disable);
        }
    }

    /** Ends the cycles of accounts re-enabled in Keycloak since the lifecycle disabled them. */
    private void cancel(List<String> reEnabled) {
        Map<String, String> reasons = new LinkedHashMap<>();
        reEnabled.forEach(id -> reasons.put(id, REENABLED));
        lifecycle.cancelled(selection, kind, reasons, runDate, context.runId());
        log.debug("{} {} account(s) re-enabled in Keycloak since the lifecycle disabled them: cycle cancelled",
                reEnabled.size(), kind);
        counts.merge(GraceLifecycle.Step.CANCEL_REENABLED, (long) reEnabled.size(), Long::sum);
    }

    /** Warns the accounts: the notice statement, the mail, and their cycle recorded as warned. */
    private void warn(List<String> warn) {
        for (String id : noticeSql == null ? List.<String>of() : warn) {
            jdbc.update(noticeSql, new MapSqlParameterSource().addValue("account_id", id)
                    .addValue("disable_on", java.sql.Date.valueOf(rule.disableOn(runDate)))
                    .addValue("purge_on", java.sql.Date.valueOf(rule.purgeOn(runDate))));
        }
        if (mail != null) {
            mailed += mail.send(warn, rule.disableOn(runDate), rule.purgeOn(runDate));
        }
        lifecycle.warned(selection, kind, warn, runDate, context.runId());
        log.debug("{} {} account(s) warned: notice queued, disabled from {} unless active again", warn.size(),
                kind, rule.disableOn(runDate));
        counts.merge(GraceLifecycle.Step.WARN, (long) warn.size(), Long::sum);
    }

    /** Disables the Keycloak users (reversible: data kept), step log DISABLED; any failure fails the chunk. */
    private void disable(List<String> ids) {
        KeycloakAccounts keycloak = stores.keycloak();
        stepLog.started(context, keycloak.name(), ids);
        StoreOutcomes outcomes = keycloak.disable(ids);
        stepLog.committed(context, keycloak.name(), outcomes);
        for (Map<String, TargetOutcome> perAccount : outcomes.byTarget().values()) {
            for (Map.Entry<String, TargetOutcome> e : perAccount.entrySet()) {
                if (e.getValue().isFailure()) {
                    throw new PurgeFailedException(keycloak.name(), keycloak.target(), 1, e.getValue().errorClass()
                            + " while disabling for the grace lifecycle", null);
                }
            }
        }
        lifecycle.disabled(selection, kind, ids, runDate, context.runId());
        log.debug("{} {} account(s) disabled in Keycloak (grace lifecycle); purged from {} if still inactive and"
                + " disabled", ids.size(), kind, rule.purgeOnceDisabled(runDate));
        counts.merge(GraceLifecycle.Step.DISABLE, (long) ids.size(), Long::sum);
    }
}
