package org.accountpurge.audit;

import java.util.List;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Records with every execution ({@code purge.execution_config}) the job configuration file and its SHA-256, marking
 * an execution whose configuration differs from the run's previous one, and who started it, why, with which command
 * from which process. Executions started without a known file (tests driving the job directly) record nothing.
 */
public final class ExecutionConfigRecorder implements JobExecutionListener {

    private final JdbcTemplate jdbc;
    private final String configFile;
    private final String sha256;
    private final Who who;

    /**
     * Who started an execution and why.
     *
     * @param initiator the operator ({@code --initiator}, default the OS user)
     * @param reason    why ({@code --reason}); null when none was given
     * @param command   the command that started it (purge, nightly, restart, ...)
     * @param process   the process: pid and host
     */
    public record Who(String initiator, String reason, String command, String process) {
    }

    public ExecutionConfigRecorder(JdbcTemplate jdbc, String configFile, String sha256, Who who) {
        this.jdbc = jdbc;
        this.configFile = configFile;
        this.sha256 = sha256;
        this.who = who;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        if (sha256 == null || sha256.isBlank()) {
            return;
        }
        long run = execution.getJobInstance().getInstanceId();
        String previous = latest(jdbc, run);
        jdbc.update("INSERT INTO purge.execution_config (job_execution_id, run_id, config_file, config_sha256, changed,"
                + " initiator, reason, command, process) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                execution.getId(), run, configFile, sha256, previous != null && !previous.equals(sha256),
                blankToNull(who.initiator()), blankToNull(who.reason()), blankToNull(who.command()),
                blankToNull(who.process()));
    }

    /** The SHA-256 of the configuration the run's last recorded execution ran with; null when none is recorded. */
    public static String latest(JdbcTemplate jdbc, long runId) {
        List<String> sha = jdbc.queryForList("SELECT config_sha256 FROM purge.execution_config WHERE run_id = ?"
                + " ORDER BY job_execution_id DESC LIMIT 1", String.class, runId);
        return sha.isEmpty() ? null : sha.get(0);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Executions of the run that ran with a configuration changed from the one before them. */
    public static List<Long> changedAt(JdbcTemplate jdbc, long runId) {
        return jdbc.queryForList("SELECT job_execution_id FROM purge.execution_config WHERE run_id = ? AND changed"
                + " ORDER BY 1", Long.class, runId);
    }
}
