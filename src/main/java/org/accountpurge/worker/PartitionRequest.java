package org.accountpurge.worker;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.messaging.MessageHeaders;

/**
 * A request to work one partition, as it crosses the broker: a line of text, not a serialized Java object (a worker
 * never deserializes what a queue hands it). It names the manager's job execution, so that a worker can tell a request
 * of the execution now running from a stale one.
 *
 * @param jobExecutionId  the manager's execution
 * @param stepExecutionId the partition's step execution, created by the manager
 * @param stepName        the step whose partition it is ({@code purgeUsers})
 */
public record PartitionRequest(long jobExecutionId, long stepExecutionId, String stepName) {

    private static final Pattern TEXT = Pattern.compile(
            "account-purge partition v1 job-execution=(\\d{1,18}) step-execution=(\\d{1,18}) step=([A-Za-z]{1,64})");

    /**
     * The request Spring Batch's manager sends ({@link StepExecutionRequest}, its correlation id
     * {@code <jobExecutionId>:<stepName>}) as text.
     */
    public static String text(StepExecutionRequest request, MessageHeaders headers) {
        String correlation = String.valueOf(headers.get("correlationId"));
        long jobExecution = Long.parseLong(correlation.substring(0, correlation.indexOf(':')));
        return new PartitionRequest(jobExecution, request.getStepExecutionId(), request.getStepName()).text();
    }

    public String text() {
        return "account-purge partition v1 job-execution=" + jobExecutionId + " step-execution=" + stepExecutionId
                + " step=" + stepName;
    }

    /** The request a text says; empty when it is not one (anything else on the queue is dropped, never run). */
    public static Optional<PartitionRequest> parse(Object text) {
        if (!(text instanceof String line)) {
            return Optional.empty();
        }
        Matcher m = TEXT.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new PartitionRequest(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3)));
    }

    /** What Spring Batch's worker side runs. */
    public StepExecutionRequest request() {
        return new StepExecutionRequest(stepName, stepExecutionId);
    }
}
