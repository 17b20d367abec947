package org.accountpurge.job;

import org.accountpurge.audit.ExecutionConfigRecorder;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CandidateSource;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.purge.LocalExecutions;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code accountPurgeJob}: validateConfiguration, loadCandidates, freezeCandidates, checkBlastRadius, then for each
 * configured kind of account (users first, so that members purged in the same run no longer hold their orgs back) its
 * steps ({@link KindSteps}: retain&lt;Kind&gt;, with a grace lifecycle advanceLifecycle&lt;Kind&gt;, purge&lt;Kind&gt;,
 * closeLifecycle&lt;Kind&gt;), then verifyPurge (every purged account gone from every store?), hashPurgedIds (with
 * purge.audit.id-hash-key) and writeSummary. The run's identity is its job instance: candidates, retention and step
 * log rows are keyed by its id. The steps are beans of {@link JobStepsConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public class PurgeJobConfiguration {

    /** The job's name, and its bean's: what the command line starts. */
    public static final String JOB = "accountPurgeJob";

    @Bean(JOB)
    Job accountPurgeJob(JobRepository jobRepository, PurgeProperties config,
                        ExecutionConfigRecorder executionConfigRecorder, LocalExecutions localExecutions,
                        Step validateConfiguration, Step loadCandidates, Step freezeCandidates, Step checkBlastRadius,
                        KindSteps kindSteps, Step verifyPurge, Step writeSummary) {
        SimpleJobBuilder job = new JobBuilder(JOB, jobRepository)
                .validator(new CandidateSource())
                .listener(executionConfigRecorder).listener(localExecutions)
                .start(validateConfiguration).next(loadCandidates).next(freezeCandidates).next(checkBlastRadius);
        for (AccountKind kind : config.kinds()) {
            kindSteps.of(kind).forEach(job::next);
        }
        job.next(verifyPurge);
        kindSteps.hashPurgedIds().ifPresent(job::next);
        return job.next(writeSummary).build();
    }
}
