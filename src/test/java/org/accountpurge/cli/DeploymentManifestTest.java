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
}
