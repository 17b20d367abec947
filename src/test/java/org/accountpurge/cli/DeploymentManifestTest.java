package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The example Kubernetes CronJob keeps what README promises of it, and runs a command this program accepts. */
class DeploymentManifestTest {

    @Test
    @SuppressWarnings("unchecked")
    void theCronJobNeverRunsTwoAtOnceStopsGracefullyAndRunsTheNightlyCommand() throws Exception {
        Map<String, Object> cronJob;
        try (Reader reader = Files.newBufferedReader(Path.of("deploy/kubernetes/nightly-purge-cronjob.yaml"))) {
            cronJob = new Yaml().load(reader);
        }
        assertThat(cronJob).containsEntry("kind", "CronJob");
        Map<String, Object> spec = (Map<String, Object>) cronJob.get("spec");
        assertThat(spec).containsEntry("concurrencyPolicy", "Forbid");
        Map<String, Object> job = (Map<String, Object>) ((Map<String, Object>) spec.get("jobTemplate")).get("spec");
        assertThat(job).containsEntry("backoffLimit", 0);
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) job.get("template")).get("spec");
        assertThat(pod).containsEntry("restartPolicy", "Never");
        assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(60);

        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        assertThat(container).doesNotContainKey("env"); // credentials come from a secret, never inline
        List<String> args = (List<String>) container.get("args");
        assertThat(args.get(0)).isEqualTo("nightly");
        Path config = Main.commandLine(Map.of()).parseArgs(args.toArray(String[]::new)).subcommand()
                .matchedOptionValue("--config", null);
        assertThat(config.toString()).endsWith("nightly-inactive.yml");
        assertThat(Path.of("jobs-config", config.getFileName().toString())).exists();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRemoteManagerJobAndItsWorkersReadOneConfigurationAndStopGracefully() throws Exception {
        Map<String, Object> manager = yaml("deploy/kubernetes/remote-purge-manager-job.yaml");
        Map<String, Object> workers = yaml("deploy/kubernetes/remote-purge-workers.yaml");
        assertThat(manager).containsEntry("kind", "Job");
        assertThat(workers).containsEntry("kind", "Deployment");
        Map<String, Object> job = (Map<String, Object>) manager.get("spec");
        assertThat(job).containsEntry("backoffLimit", 0);
        Map<String, Object> managerPod = (Map<String, Object>) ((Map<String, Object>) job.get("template")).get("spec");
        assertThat(managerPod).containsEntry("restartPolicy", "Never");
        Map<String, Object> deployment = (Map<String, Object>) workers.get("spec");
        Map<String, Object> workerPod = (Map<String, Object>) ((Map<String, Object>) deployment.get("template"))
                .get("spec");
        for (Map<String, Object> pod : List.of(managerPod, workerPod)) {
            assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(60);
            assertThat(((List<Map<String, Object>>) pod.get("containers")).get(0)).doesNotContainKey("env");
        }
        List<String> managerArgs = (List<String>) ((List<Map<String, Object>>) managerPod.get("containers")).get(0)
                .get("args");
        List<String> workerArgs = (List<String>) ((List<Map<String, Object>>) workerPod.get("containers")).get(0)
                .get("args");
        assertThat(managerArgs.get(0)).isIn("nightly", "purge");
        assertThat(workerArgs.get(0)).isEqualTo("worker");
        Path managerConfig = Main.commandLine(Map.of()).parseArgs(managerArgs.toArray(String[]::new)).subcommand()
                .matchedOptionValue("--config", null);
        Path workerConfig = Main.commandLine(Map.of()).parseArgs(workerArgs.toArray(String[]::new)).subcommand()
                .matchedOptionValue("--config", null);
        assertThat(workerConfig).as("the workers read the manager's configuration").isEqualTo(managerConfig);
        assertThat((Integer) deployment.get("replicas")).isGreaterThanOrEqualTo(1);
    }

    private static Map<String, Object> yaml(String file) throws Exception {
        try (Reader reader = Files.newBufferedReader(Path.of(file))) {
            return new Yaml().load(reader);
        }
    }
}
