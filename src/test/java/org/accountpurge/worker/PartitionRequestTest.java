package org.accountpurge.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.messaging.MessageHeaders;

/** What crosses the broker: a line of text both ways, and nothing else is ever taken for a request. */
class PartitionRequestTest {

    @Test
    void theManagersRequestBecomesALineAndBackTheSameRequest() {
        // given the request Spring Batch's manager sends for partition 3 of purgeUsers, execution 12
        StepExecutionRequest sent = new StepExecutionRequest("purgeUsers", 345L);
        MessageHeaders headers = new MessageHeaders(Map.of("correlationId", "12:purgeUsers"));

        // when it crosses the broker as text
        String text = PartitionRequest.text(sent, headers);

        // then the worker reads the same request, and the manager's execution with it
        assertThat(text).isEqualTo("account-purge partition v1 job-execution=12 step-execution=345 step=purgeUsers");
        PartitionRequest read = PartitionRequest.parse(text).orElseThrow();
        assertThat(read).isEqualTo(new PartitionRequest(12, 345, "purgeUsers"));
        assertThat(read.request().getStepExecutionId()).isEqualTo(345L);
        assertThat(read.request().getStepName()).isEqualTo("purgeUsers");
    }

    @Test
    void anythingElseOnTheQueueIsNoRequest() {
        for (Object hostile : new Object[]{null, 42, "", "hello", "account-purge partition v1 job-execution=1"
                + " step-execution=2 step=purge Users", "account-purge partition v2 job-execution=1 step-execution=2"
                + " step=purgeUsers", "account-purge partition v1 job-execution=-1 step-execution=2 step=purgeUsers",
                "account-purge partition v1 job-execution=1 step-execution=99999999999999999999 step=purgeUsers",
                "account-purge partition v1 job-execution=1 step-execution=2 step=purgeUsers\nDROP TABLE users",
                new byte[]{1, 2, 3}}) {
            assertThat(PartitionRequest.parse(hostile)).as(String.valueOf(hostile)).isEmpty();
        }
    }
}
