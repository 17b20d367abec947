package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.accountpurge.dev.SeedCommand;
import org.accountpurge.support.RealStack;
import org.accountpurge.support.RealStackExtension;
import org.accountpurge.support.ReferenceTenantCli;
import org.accountpurge.support.StoreSnapshot;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * {@code purge.job.partitions}: the candidates of each kind cut into buckets, each retained and purged by a step of its
 * own, {@code purge.job.workers} at once. The end state is the one-step run's, each account is handled by exactly one
 * partition, and a restart runs only the partitions that did not finish.
 */
@RealStack(seed = 53)
@ExtendWith(OutputCaptureExtension.class)
class PartitionedPurgeTest extends ReferenceTenantCli {

    static final String PARTITIONED = "chunk-size: 10\n    partitions: 4\n    workers: 2";

    /** The legacy-state cleanup list of the seeded tenant, users and orgs. */
    Path cleanup() throws Exception {
        StringBuilder csv = new StringBuilder("account_id,kind\n");
        seeded.manifest().userIds().get("legacyStateCandidates").forEach(id -> csv.append(id).append(",user\n"));
        seeded.manifest().orgIds().get("legacyStateCandidates").forEach(id -> csv.append(id).append(",org\n"));
        return java.nio.file.Files.writeString(dir.resolve("cleanup.csv"), csv);
    }

    @Test
    void fourPartitionsOnTwoWorkersEndAsOneStepDoesEachAccountHandledOnce(CapturedOutput output) throws Exception {
        // given the cleanup list, purged in one step per kind on a tenant seeded the same way: the end state to reach
        Path csv = cleanup();
        assertThat(cli("purge", "--config", referenceConfig(10, yaml -> yaml.replace("chunk-size: 10",
                "chunk-size: 10\n    partitions: 1")).toString(), "--input", csv.toString(), "--reason", "OPS-28"))
                .as(output.getAll()).isZero();
        StoreSnapshot oneStep = StoreSnapshot.take(proxied.stack());
        SeedCommand.seed(TestStack.stack(), 300, 20, 53, RealStackExtension.SECRET, null);

        // when the same list is purged in four partitions, two at a time
        assertThat(cli("purge", "--config", referenceConfig(10, yaml -> yaml.replace("chunk-size: 10", PARTITIONED))
                .toString(), "--input", csv.toString(), "--reason", "OPS-28", "--new-run")).as(output.getAll()).isZero();

        // then the stores end as after the one-step run
        assertThat(StoreSnapshot.take(proxied.stack())).isEqualTo(oneStep);
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        long execution = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        // and each kind's steps ran as four partitions
        List<String> steps = jdbc.queryForList("SELECT step_name FROM purge.batch_step_execution WHERE"
                + " job_execution_id = ? ORDER BY step_name", String.class, execution);
        for (String step : List.of("retainUsers", "purgeUsers", "retainOrgs", "purgeOrgs")) {
            List<String> partitions = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                partitions.add(step + ":partition" + i);
            }
            assertThat(steps).contains(step).containsAll(partitions);
        }
        // and every purged account was deleted once, by one partition, nothing left pending
        assertEachPurgedAccountDeletedOnce(run);
    }

    @Test
    void aRestartRunsOnlyThePartitionThatFailed(CapturedOutput output) throws Exception {
        // given one user whose Keycloak deletion fails (the realm answers 403: refused for good)
        List<String> users = new ArrayList<>(seeded.manifest().userIds().get("neverLoggedIn"));
        for (String kind : List.of("contentCreators", "batchCreators", "mentors", "orgAdmins", "platformAdmins",
                "supportStaff", "groupOwners", "noKeycloak")) {
            users.removeAll(seeded.manifest().userIds().get(kind));
        }
        seeded.tenant().tables().get("group_member").rows().forEach(m -> users.remove(m[1].toString()));
        List<String> list = users.subList(0, Math.min(40, users.size()));
        String refused = list.get(0);
        proxied.keycloak().refuse("DELETE .*/users/" + refused, 503);
        Path config = referenceConfig(10, yaml -> yaml.replace("chunk-size: 10", PARTITIONED));

        // when they are purged in four partitions, then the run fails: the refused user's partition did not finish
        Path csv = csv(list);
        assertThat(cli("purge", "--config", config.toString(), "--input", csv.toString(), "--reason", "OPS-28"))
                .as(output.getAll()).isEqualTo(1);
        long failed = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        List<String> failedPartitions = jdbc.queryForList("SELECT step_name FROM purge.batch_step_execution WHERE"
                + " job_execution_id = ? AND step_name LIKE 'purgeUsers:%' AND status = 'FAILED'", String.class, failed);
        assertThat(failedPartitions).hasSize(1);
        assertThat(jdbc.queryForList("SELECT step_name FROM purge.batch_step_execution WHERE job_execution_id = ? AND"
                + " step_name LIKE 'purgeUsers:%' AND status = 'COMPLETED'", String.class, failed)).hasSize(3);

        // when the realm answers again and the run is restarted
        proxied.keycloak().heal();
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(failed)))
                .as(output.getAll()).isZero();

        // then the restart ran that partition alone, and every listed user is purged
        long restart = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        assertThat(jdbc.queryForList("SELECT step_name FROM purge.batch_step_execution WHERE job_execution_id = ? AND"
                + " step_name LIKE 'purgeUsers:%'", String.class, restart)).isEqualTo(failedPartitions);
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PURGED'", null))
                .isEqualTo(list.size());
    }
}
