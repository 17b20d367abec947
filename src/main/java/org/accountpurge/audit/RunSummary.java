package org.accountpurge.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a run did, from its bookkeeping tables: candidates per kind and state, rejected rows by reason, retained
 * accounts by reason, and per store and target what was done (over all executions of the run).
 *
 * @param candidates kind to state (PENDING, RETAINED, PURGED) to number of accounts
 * @param rejected   reason to number of rows
 * @param retained   kind to reason to number of accounts
 * @param stores     store to target to action to number (rows or documents for DELETED, NULLED, REASSIGNED and
 *                   SCRUBBED, groups for PROMOTED, accounts for ABSENT, DISABLED, FAILED; in a dry run what a real
 *                   run would do: "would delete", "would null", ...); each account counts once, with its outcome
 *                   over all executions of the run
 * @param failedAttempts step-log FAILED rows over all executions of the run (a restart may have completed them)
 * @param pending    accounts not yet purged nor retained (0 once a real run has completed; in a dry run, those that
 *                   would be purged)
 * @param notFound   accounts that no store knew (nothing to remove anywhere): not counted as purged; a dry run asks
 *                   the stores too
 * @param failed     accounts a store refused for good, or with something left after the purge: not purged (errors
 *                   in the step log)
 * @param failedRemovedFrom of the failed accounts, per store, how many had something removed there all the same
 *                   (deleted, nulled or disabled: a Keycloak user deleted before Elasticsearch refused a document)
 * @param residue    purged accounts the verification found something left of ({@code purge.residue}), or -1 when
 *                   no verification has completed for the run
 * @param configChangedAt executions that ran with a configuration changed from the one before (restart with
 *                   --config-changed)
 * @param guardOverridden the blast-radius guard an operator overrode (--override-guard): execution and what exceeded
 * @param verification what the last completed verification checked and what it could not check (per kind and store),
 *                   or null when none has completed
 */
public record RunSummary(long runId, long jobExecutionId, String status, boolean dryRun, String input,
                         Map<String, Map<String, Long>> candidates, Map<String, Long> rejected,
                         Map<String, Map<String, Long>> retained, Map<String, Map<String, Map<String, Long>>> stores,
                         long failedAttempts, long pending, long notFound, long failed, long residue,
                         List<Long> configChangedAt, List<String> guardOverridden,
                         Map<String, Long> failedRemovedFrom, String verification) {

    public static RunSummary load(JdbcTemplate jdbc, long runId, long jobExecutionId, String status, boolean dryRun,
                                  String input) {
        Map<String, Map<String, Long>> candidates = new TreeMap<>();
        jdbc.query("SELECT kind, state, count(*) FROM purge.candidate WHERE run_id = ? GROUP BY kind, state",
                rs -> {
                    candidates.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
                }, runId);
        Map<String, Long> rejected = new TreeMap<>();
        jdbc.query("SELECT regexp_replace(reason, 'line [0-9]+', 'an earlier line'), count(*) FROM purge.rejected_row"
                + " WHERE run_id = ? GROUP BY 1", rs -> {
                    rejected.put(rs.getString(1), rs.getLong(2));
                }, runId);
        Map<String, Map<String, Long>> retained = new TreeMap<>();
        jdbc.query("SELECT kind, reason, count(*) FROM purge.retention WHERE run_id = ? GROUP BY kind, reason",
                rs -> {
                    retained.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
                }, runId);
        Map<String, Map<String, Map<String, Long>>> stores = storeOutcomes(jdbc, runId);
        Long failures = jdbc.queryForObject("SELECT count(*) FROM purge.step_log WHERE run_id = ? AND action ="
                + " 'FAILED'", Long.class, runId);
        long pending = candidates.values().stream().mapToLong(states -> states.getOrDefault("PENDING", 0L)).sum();
        long notFound = candidates.values().stream().mapToLong(states -> states.getOrDefault("NOT_FOUND", 0L)).sum();
        long failed = candidates.values().stream().mapToLong(states -> states.getOrDefault("FAILED", 0L)).sum();
        Long verified = jdbc.queryForObject("SELECT count(*) FROM purge.batch_step_execution s JOIN"
                + " purge.batch_job_execution e USING (job_execution_id) WHERE e.job_instance_id = ? AND s.step_name ="
                + " 'verifyPurge' AND s.status = 'COMPLETED'", Long.class, runId);
        Boolean residueTable = jdbc.queryForObject("SELECT to_regclass('purge.residue') IS NOT NULL", Boolean.class);
        Long residue = verified == null || verified == 0 || !Boolean.TRUE.equals(residueTable) ? Long.valueOf(-1)
                : jdbc.queryForObject("SELECT count(DISTINCT (kind, account_id)) FROM purge.residue WHERE run_id = ?",
                Long.class, runId);
        Boolean guardTable = jdbc.queryForObject("SELECT to_regclass('purge.guard_override') IS NOT NULL",
                Boolean.class);
        List<String> overridden = !Boolean.TRUE.equals(guardTable) ? List.of() : jdbc.queryForList("SELECT 'execution '"
                + " || job_execution_id || ': ' || exceeded FROM purge.guard_override WHERE run_id = ? ORDER BY"
                + " overridden_at", String.class, runId);
        Map<String, Long> removedFrom = new TreeMap<>();
        jdbc.query("SELECT l.store, count(DISTINCT (c.kind, c.account_id)) FROM purge.candidate c JOIN purge.step_log l"
                + " ON l.run_id = c.run_id AND l.kind = c.kind AND l.account_id = c.account_id AND l.action IN"
                + " " + org.accountpurge.store.TargetOutcome.CHANGED_SQL + " WHERE c.run_id = ? AND c.state = 'FAILED'"
                + " GROUP BY 1", rs -> {
                    removedFrom.put(rs.getString(1), rs.getLong(2));
                }, runId);
        List<String> checked = jdbc.queryForList("SELECT s.exit_message FROM purge.batch_step_execution s JOIN"
                + " purge.batch_job_execution e USING (job_execution_id) WHERE e.job_instance_id = ? AND s.step_name ="
                + " 'verifyPurge' AND s.status = 'COMPLETED' ORDER BY s.step_execution_id DESC LIMIT 1", String.class,
                runId);
        return new RunSummary(runId, jobExecutionId, status, dryRun, input, candidates, rejected, retained, stores,
                failures == null ? 0 : failures, pending, notFound, failed, residue == null ? 0 : residue,
                ExecutionConfigRecorder.changedAt(jdbc, runId), overridden, removedFrom,
                checked.isEmpty() || checked.get(0) == null || checked.get(0).isBlank() ? null : checked.get(0));
    }

    /**
     * Per store and target, how many rows or documents each action took, or how many accounts it concerned: each
     * account counts once per store and target, with its outcome over all executions.
     */
    private static Map<String, Map<String, Map<String, Long>>> storeOutcomes(JdbcTemplate jdbc, long runId) {
        // each account counts once per store and target, with its outcome over all executions: what was deleted
        // (or nulled) in any execution, otherwise the latest attempt — a restart that finds a document already
        // gone does not count it again
        Map<String, Map<String, Map<String, Long>>> stores = new TreeMap<>();
        // these count rows (groups), and beat a later ABSENT
        String done = java.util.stream.Stream.concat(java.util.stream.Stream.of("DELETED", "NULLED", "REASSIGNED",
                "PROMOTED", "SCRUBBED"), StepLog.WOULD.values().stream().sorted()) // a dry run's counts too
                .map(action -> "'" + action + "'").collect(java.util.stream.Collectors.joining(", ", "(", ")"));
        jdbc.query("WITH per_account AS (SELECT store, target, account_id, CASE WHEN bool_or(action IN " + done
                + ") THEN (array_agg(action ORDER BY action IN " + done + " DESC, id DESC))[1]"
                + " ELSE (array_agg(action ORDER BY id DESC))[1] END AS action, CASE WHEN bool_or(action LIKE"
                + " 'WOULD%') THEN max(count) ELSE coalesce(sum(count) FILTER (WHERE action IN " + done + "), 0) END"
                + " AS n FROM (SELECT id, store, target, account_id, count, CASE"
                + " WHEN action = 'ABSENT' AND error_class = '" + org.accountpurge.store.TargetOutcome
                .AFTER_UNANSWERED_ATTEMPT + "' THEN 'ABSENT_AFTER_UNANSWERED_ATTEMPT' ELSE action END AS action FROM"
                + " purge.step_log WHERE run_id = ? AND action <> 'STARTED') l"
                + " GROUP BY store, target, account_id) SELECT store, target, action, CASE WHEN action IN " + done
                + " THEN sum(n) ELSE count(*) END FROM per_account GROUP BY 1, 2, 3", rs -> {
                    stores.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                            .computeIfAbsent(rs.getString(2), k -> new TreeMap<>())
                            .put(rs.getString(3).toLowerCase(java.util.Locale.ROOT).replace("would_", "would "),
                                    rs.getLong(4));
                }, runId);
        return stores;
    }

    /** A human-readable rendering, a line per fact. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("Purge run " + runId + " (execution " + jobExecutionId + "): " + status + (dryRun ? " (dry run)" : ""));
        if (dryRun) {
            lines.add("  DRY RUN: nothing was deleted; pending accounts are those a real run would purge (orgs are"
                    + " counted as retained while members that would be purged still hold them)");
            lines.add("  the 'would' counts below are the rows and documents a real run would act on, per store and"
                    + " target; login identities (Keycloak) are looked up only for accounts no other store holds");
        }
        candidates.forEach((kind, states) -> lines.add("  " + kind + " candidates: " + states));
        lines.add("  rejected rows: " + (rejected.isEmpty() ? "none" : rejected));
        retained.forEach((kind, reasons) -> lines.add("  retained " + kind + " accounts by reason: " + reasons));
        stores.forEach((store, targets) -> targets.forEach((target, actions) ->
                lines.add("  " + store + " " + target + ": " + actions)));
        if (candidates.isEmpty()) {
            lines.add("  no candidates loaded");
        } else if (dryRun) {
            lines.add("  would be purged by a real run: " + pending + "; not found in any store: " + notFound
                    + "; retained: " + candidates.values().stream().mapToLong(states -> states.getOrDefault("RETAINED",
                    0L)).sum() + "; would fail: " + failed + (failed > 0 ? " (a store would refuse them; each with"
                    + " its store and error in purge.step_log)" : "") + "; rejected rows: "
                    + rejected.values().stream().mapToLong(Long::longValue).sum());
        } else {
            lines.add("  accounts pending: " + pending + "; not found in any store: " + notFound
                    + "; failed attempts over all executions: " + failedAttempts);
            String what = verification == null ? "" : " (" + verification + ")";
            if (residue == 0) {
                lines.add("  verification: nothing is left of the purged accounts where it looked" + what);
            } else if (residue > 0) {
                lines.add("  verification: " + residue + " purged account(s) still have data (purge.residue); they"
                        + " are marked FAILED" + what);
            }
            if (failed > 0) {
                lines.add("  accounts FAILED: " + failed + " (not purged; the store, target and error of each are in"
                        + " purge.step_log, listed by 'failed'); " + (failedRemovedFrom.isEmpty()
                        ? "nothing of them was removed in any store"
                        : "of these, something was removed all the same from: " + failedRemovedFrom));
            }
        }
        if (!configChangedAt.isEmpty()) {
            lines.add("  configuration changed (restart with --config-changed) at execution(s): " + configChangedAt);
        }
        for (String override : guardOverridden) {
            lines.add("  blast-radius guard overridden (--override-guard) at " + override);
        }
        return lines;
    }
}
