package org.accountpurge.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The report of one execution, as an auditor reads it: the run's summary (totals per store and target, retained by
 * reason, rejected rows by reason), the execution's parameters, every execution of the run with who started it,
 * why and with which configuration, the steps with their counts and rates, the failures by store and error, and the
 * purged accounts over time. Loaded from the job repository and the step log only: it can be written again at any
 * time ({@code report --execution N}).
 *
 * @param totals     accounts purged, retained, not found, failed, pending and input rows rejected, over the run
 * @param parameters the execution's job parameters (the input file and its SHA-256, or the selection and run date)
 * @param executions every execution of the run, oldest first
 * @param steps      the steps of every execution of the run up to this one, each with its execution
 * @param failures   accounts left FAILED, by store, target and error class of their last failure
 * @param timeline   purged accounts over time: the start of each interval and how many accounts were purged in it
 */
public record RunReport(String generatedAt, String exitMessage, String startTime, String endTime,
                        Map<String, Long> totals, Map<String, String> parameters, RunSummary summary, List<Execution> executions,
                        List<StepFigures> steps, List<Failure> failures, List<TimelinePoint> timeline) {

    /** An execution of the run and who started it. */
    public record Execution(long id, String status, String startTime, String endTime, String initiator, String reason,
                            String command, String process, String configFile, String configSha256,
                            boolean configChanged) {
    }

    /** A step of the execution: Spring Batch's counts, its duration and rate. */
    public record StepFigures(long execution, String name, String status, long read, long written, long filtered,
                              long commits, long rollbacks, double seconds, double itemsPerSecond) {
    }

    /** Accounts whose last failure was this store, target and error. */
    public record Failure(String store, String target, String errorClass, long accounts) {
    }

    /** Accounts purged from {@code from} on, over one interval. */
    public record TimelinePoint(String from, long purged) {
    }

    public static RunReport load(JdbcTemplate jdbc, RunSummary summary) {
        long run = summary.runId();
        long executionId = summary.jobExecutionId();
        Map<String, String> parameters = new LinkedHashMap<>();
        jdbc.query("SELECT parameter_name, parameter_value FROM purge.batch_job_execution_params WHERE"
                + " job_execution_id = ? ORDER BY parameter_name", rs -> {
                    parameters.put(rs.getString(1), rs.getString(2));
                }, executionId);
        String[] times = new String[3];
        jdbc.query("SELECT start_time, end_time, exit_message FROM purge.batch_job_execution WHERE job_execution_id = ?",
                rs -> {
                    times[0] = iso(rs.getTimestamp(1));
                    times[1] = iso(rs.getTimestamp(2));
                    times[2] = rs.getString(3);
                }, executionId);
        List<Execution> executions = jdbc.query("SELECT e.job_execution_id, e.status, e.start_time, e.end_time,"
                + " c.initiator, c.reason, c.command, c.process, c.config_file, c.config_sha256, coalesce(c.changed,"
                + " false) FROM purge.batch_job_execution e LEFT JOIN purge.execution_config c USING"
                + " (job_execution_id) WHERE e.job_instance_id = ? ORDER BY 1", (rs, n) -> new Execution(rs.getLong(1),
                rs.getString(2), iso(rs.getTimestamp(3)), iso(rs.getTimestamp(4)), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getBoolean(11)), run);
        // the steps of every execution of the run up to this one: a restart's page shows what the earlier ones did
        List<StepFigures> steps = jdbc.query("SELECT s.step_name, s.status, s.read_count, s.write_count,"
                + " s.filter_count, s.commit_count, s.rollback_count, extract(epoch FROM coalesce(s.end_time,"
                + " localtimestamp) - s.start_time), s.job_execution_id FROM purge.batch_step_execution s JOIN"
                + " purge.batch_job_execution e USING (job_execution_id) WHERE e.job_instance_id = ? AND"
                + " s.job_execution_id <= ? ORDER BY s.step_execution_id", (rs, n) -> {
                    double seconds = Math.max(0, rs.getDouble(8));
                    long read = rs.getLong(3);
                    return new StepFigures(rs.getLong(9), rs.getString(1), rs.getString(2), read, rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), round(seconds),
                            seconds > 0 ? round(read / seconds) : 0);
                }, run, executionId);
        List<Failure> failures = jdbc.query("""
                SELECT l.store, l.target, coalesce(l.error_class, 'unknown'), count(*)
                  FROM purge.candidate c
                  JOIN LATERAL (SELECT store, target, error_class FROM purge.step_log s
                                 WHERE s.run_id = c.run_id AND s.kind = c.kind AND s.account_id = c.account_id
                                   AND s.action = 'FAILED' ORDER BY s.id DESC LIMIT 1) l ON true
                 WHERE c.run_id = ? AND c.state = 'FAILED' GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3
                """, (rs, n) -> new Failure(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)), run);
        Map<String, Long> totals = new LinkedHashMap<>();
        totals.put("accounts purged", state(summary, "PURGED"));
        totals.put("accounts retained", state(summary, "RETAINED"));
        totals.put("accounts not found in any store", summary.notFound());
        totals.put("accounts failed", summary.failed());
        totals.put("accounts pending", summary.pending());
        totals.put("input rows rejected", summary.rejected().values().stream().mapToLong(Long::longValue).sum());
        return new RunReport(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), times[2], times[0], times[1], totals, parameters, summary,
                executions,
                steps, failures, timeline(jdbc, run));
    }

    /** Purged accounts per interval, at most about 40 intervals of whole seconds over the run's span. */
    private static List<TimelinePoint> timeline(JdbcTemplate jdbc, long run) {
        return jdbc.query("""
                WITH t AS (SELECT max(l.logged_at) AS at FROM purge.candidate c
                             JOIN purge.step_log l ON l.run_id = c.run_id AND l.kind = c.kind
                                                  AND l.account_id = c.account_id AND l.action <> 'STARTED'
                            WHERE c.run_id = ? AND c.state = 'PURGED' GROUP BY c.kind, c.account_id),
                     b AS (SELECT min(at) AS lo, greatest(ceil(extract(epoch FROM max(at) - min(at)) / 40), 1) AS width
                             FROM t)
                SELECT b.lo + make_interval(secs => floor(extract(epoch FROM t.at - b.lo) / b.width) * b.width),
                       count(*)
                  FROM t, b GROUP BY 1 ORDER BY 1
                """, (rs, n) -> new TimelinePoint(iso(rs.getTimestamp(1)), rs.getLong(2)), run);
    }

    private static long state(RunSummary summary, String state) {
        return summary.candidates().values().stream().mapToLong(states -> states.getOrDefault(state, 0L)).sum();
    }

    private static String iso(Timestamp time) {
        return time == null ? null : time.toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
