package org.accountpurge.audit;

import java.nio.file.Path;
import org.accountpurge.candidate.CandidateSource;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Last step: writes the execution's report folder ({@link ReportFolder}) and leaves the path of its
 * {@code report.json} in the job execution context.
 */
public class SummaryTasklet implements Tasklet {

    public static final String SUMMARY_FILE = "summary.file";

    private final JdbcTemplate jdbc;
    private final Path directory;

    public SummaryTasklet(JdbcTemplate jdbc, Path directory) {
        this.jdbc = jdbc;
        this.directory = directory;
    }

    public static boolean isDryRun(JobExecution job) {
        return CandidateSource.isDryRun(job.getJobParameters());
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        JobExecution job = contribution.getStepExecution().getJobExecution();
        // this run's rows are newer than the planner's statistics: without them it takes the run for one row and
        // joins candidates to the step log in a nested loop (seconds for a thousand accounts, hours for a million)
        jdbc.execute("ANALYZE purge.candidate, purge.step_log, purge.retention");
        RunSummary summary = RunSummary.load(jdbc, job.getJobInstance().getInstanceId(), job.getId(), "COMPLETED",
                isDryRun(job), org.accountpurge.candidate.CandidateSource.describe(job.getJobParameters()));
        Path folder = ReportFolder.write(directory, RunReport.load(jdbc, summary), jdbc, true);
        job.getExecutionContext().putString(SUMMARY_FILE, folder.resolve(ReportFolder.JSON).toString());
        return RepeatStatus.FINISHED;
    }
}
