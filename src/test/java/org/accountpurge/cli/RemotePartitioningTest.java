package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.accountpurge.dev.SeedCommand;
import org.accountpurge.stack.EmbeddedBroker;
import org.accountpurge.support.RealStack;
import org.accountpurge.support.RealStackExtension;
import org.accountpurge.support.ReferenceTenantCli;
import org.accountpurge.support.StoreSnapshot;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Remote partitioning ({@code purge.job.remote}): the manager (this JVM's command line) sends the partitions of the
 * retain and purge steps to worker <em>processes</em> over an Artemis broker (embedded here, on loopback) and reads
 * their progress from the job repository. The end state is the single-process run's, each partition is worked by one
 * worker, a killed worker fails its partition within the worker timeout, and a restart finishes only what is left.
 */
@RealStack(seed = 59)
@ExtendWith(OutputCaptureExtension.class)
class RemotePartitioningTest extends ReferenceTenantCli {

    EmbeddedBroker broker;
    final List<Process> workers = new ArrayList<>();

    @BeforeEach
    void broker() {
        broker = EmbeddedBroker.start(dir.resolve("broker"));
    }

    @AfterEach
    void stop() throws Exception {
        for (Process worker : workers) {
            worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        broker.close();
    }

    /** The reference configuration with four partitions on two worker processes, over the test's broker. */
    Path remoteConfig(int chunkSize, String workerTimeout) throws Exception {
        return referenceConfig(chunkSize, yaml -> yaml.replace("chunk-size: " + chunkSize, "chunk-size: " + chunkSize
                + "\n    partitions: 4\n    workers: 2\n    remote:\n      broker-url: " + broker.url()
                + "\n      queue: account-purge.test\n      poll-interval: 300ms\n      worker-timeout: " + workerTimeout));
    }

    /** {@code worker --config F} in a JVM of its own, with the stack's addresses in its environment. */
    Process worker(Path config) throws Exception {
        return workers(config, 1).get(0);
    }

    /** {@code n} workers started together (their JVMs start in parallel), once each listens on the queue. */
    List<Process> workers(Path config, int n) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<Process, Path> started = new java.util.LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                    "org.accountpurge.cli.Main", "worker", "--config", config.toString());
            properties().forEach((k, v) -> pb.environment().put(k, String.valueOf(v)));
            Path log = Files.createDirectories(Path.of("target")).resolve("remote-worker-" + workers.size() + ".log");
            Process worker = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            workers.add(worker);
            started.put(worker, log);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (Map.Entry<Process, Path> worker : started.entrySet()) {
            while (!Files.readString(worker.getValue()).contains("Worker: takes the partitions")) {
                assertThat(worker.getKey().isAlive()).as(Files.readString(worker.getValue())).isTrue();
                assertThat(System.nanoTime()).as("worker started within 90 s").isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        return List.copyOf(started.keySet());
    }

    /** The legacy-state cleanup list of the seeded tenant, users and orgs. */
    Path cleanup() throws Exception {
        StringBuilder csv = new StringBuilder("account_id,kind\n");
        seeded.manifest().userIds().get("legacyStateCandidates").forEach(id -> csv.append(id).append(",user\n"));
        seeded.manifest().orgIds().get("legacyStateCandidates").forEach(id -> csv.append(id).append(",org\n"));
        return Files.writeString(dir.resolve("cleanup.csv"), csv);
    }

    /** The worker process that ran each partition step of an execution, by step name. */
    Map<String, String> workersOf(long execution) {
        Map<String, String> by = new java.util.TreeMap<>();
        jdbc.query("SELECT s.step_name, c.short_context FROM purge.batch_step_execution s JOIN"
                + " purge.batch_step_execution_context c ON c.step_execution_id = s.step_execution_id WHERE"
                + " s.job_execution_id = ? AND s.step_name LIKE '%:partition%'", rs -> {
                    by.put(rs.getString(1), pidIn(rs.getString(2)));
                }, execution);
        return by;
    }

    /** The pid of the worker a partition's context names (Spring Batch keeps it Base64 of a serialized map). */
    static String pidIn(String context) {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(
                java.util.Base64.getDecoder().decode(context)))) {
            Object worker = ((Map<?, ?>) in.readObject()).get("worker");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid (\\d+)@").matcher(String.valueOf(worker));
            return m.find() ? m.group(1) : "none";
        } catch (Exception e) {
            return "none";
        }
    }

    @Test
    void twoWorkerProcessesEndAsOneProcessDoesEachPartitionWorkedByOne(CapturedOutput output) throws Exception {
        // given the cleanup list purged by one process: the end state to reach
        Path csv = cleanup();
        assertThat(cli("purge", "--config", referenceConfig(10, yaml -> yaml.replace("chunk-size: 10",
                "chunk-size: 10\n    partitions: 1")).toString(), "--input", csv.toString(), "--reason", "OPS-28"))
                .as(output.getAll()).isZero();
        StoreSnapshot oneProcess = StoreSnapshot.take(proxied.stack());
        SeedCommand.seed(TestStack.stack(), 300, 20, 59, RealStackExtension.SECRET, null);

        // when the same list is purged by a manager and two worker processes, whose queue also holds text that is no
        // request, bytes, and a request of no execution
        Path config = remoteConfig(10, "60s");
        List<Process> two = workers(config, 2);
        Process first = two.get(0);
        Process second = two.get(1);
        try (var factory = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(broker.url());
             var jms = factory.createContext()) {
            var queue = jms.createQueue("account-purge.test");
            jms.createProducer().send(queue, "DROP TABLE users; account-purge partition v1");
            jms.createProducer().send(queue, new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5});
            jms.createProducer().send(queue, "account-purge partition v1 job-execution=999999 step-execution=999999"
                    + " step=purgeUsers");
        }
        assertThat(cli("purge", "--config", config.toString(), "--input", csv.toString(), "--reason", "OPS-28",
                "--new-run")).as(output.getAll()).isZero();

        // then the stores end as after the one-process run
        assertThat(StoreSnapshot.take(proxied.stack())).isEqualTo(oneProcess);
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        long execution = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        // and every partition of the four steps was worked by one of the two worker processes, both working
        Map<String, String> ranBy = workersOf(execution);
        assertThat(ranBy).hasSize(16);
        assertThat(ranBy.values()).allMatch(pid -> pid.equals(String.valueOf(first.pid()))
                || pid.equals(String.valueOf(second.pid())));
        assertThat(ranBy.values()).contains(String.valueOf(first.pid()), String.valueOf(second.pid()));
        // and every purged account was deleted once, nothing left pending
        assertEachPurgedAccountDeletedOnce(run);
        // and the workers dropped each of the three messages that were not the run's, said so, and logged no payload
        String logs = Files.readString(Path.of("target", "remote-worker-" + workers.indexOf(first) + ".log"))
                + Files.readString(Path.of("target", "remote-worker-" + workers.indexOf(second) + ".log"));
        assertThat(logs.split("Dropped a message that is not a partition request", -1)).hasSize(3);
        assertThat(logs).contains("Dropped a partition request that matches no partition of the job repository:"
                + " account-purge partition v1 job-execution=999999").doesNotContain("DROP TABLE");
    }

    @Test
    void aKilledWorkerFailsItsPartitionInTimeAndARestartFinishesOnlyIt(CapturedOutput output) throws Exception {
        // given users the workers purge slowly (each Keycloak deletion answered a second late), two workers
        List<String> users = purgeable(60);
        Path config = slowKeycloakTwoWorkers(Duration.ofSeconds(1), "8s");

        // when the purge runs and the worker of a partition that committed a chunk is killed (SIGKILL)
        Path csv = csv(users);
        long before = lastExecution();
        CompletableFuture<Integer> manager = CompletableFuture.supplyAsync(() -> cli("purge", "--config",
                config.toString(), "--input", csv.toString(), "--reason", "OPS-28", "--new-run"));
        Busy busy = busyWorker(before, manager, output);
        busy.worker().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        String killed = busy.partition();
        long killedAt = System.nanoTime();

        // then the run fails, within the worker timeout (and the chunks the other worker had left), with the killed
        // worker's partition FAILED for the silence and the others COMPLETED
        assertThat(manager.get(120, TimeUnit.SECONDS)).as(output.getAll()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(100));
        long failed = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        assertThat(jdbc.queryForList("SELECT step_name FROM purge.batch_step_execution WHERE job_execution_id = ? AND"
                + " step_name LIKE 'purgeUsers:%' AND status = 'FAILED' AND exit_message LIKE '%committed nothing for"
                + " PT8S%'", String.class, failed)).containsExactly(killed);
        // and the operator is told which partition failed and why
        assertThat(output.getOut()).contains("partition " + killed + " failed: its worker committed nothing for PT8S"
                + " (the worker process is gone or stuck)");
        List<String> unfinished = jdbc.queryForList("SELECT step_name FROM purge.batch_step_execution WHERE"
                + " job_execution_id = ? AND step_name LIKE 'purgeUsers:%' AND status <> 'COMPLETED' ORDER BY 1",
                String.class, failed);

        // when Keycloak answers on time again, a worker replaces the killed one, and the run is restarted
        proxied.keycloak().heal();
        worker(config);
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(failed)))
                .as(output.getAll()).isZero();

        // then the restart ran only the unfinished partitions, and every listed user is purged, each deleted once
        long restart = count("SELECT max(job_execution_id) FROM purge.batch_job_execution", null);
        assertThat(jdbc.queryForList("SELECT step_name FROM purge.batch_step_execution WHERE job_execution_id = ? AND"
                + " step_name LIKE 'purgeUsers:%' ORDER BY 1", String.class, restart)).isEqualTo(unfinished);
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PURGED'", null))
                .isEqualTo(users.size());
        assertEachPurgedAccountDeletedOnce(run);
    }

    @Test
    void aKilledManagerIsRecoveredAndItsRestartCompletesTheRun(CapturedOutput output) throws Exception {
        // given users the workers purge slowly, and two workers
        List<String> users = purgeable(60);
        Path config = slowKeycloakTwoWorkers(Duration.ofMillis(500), "60s");

        // when the manager runs in a process of its own and is killed (SIGKILL) once a partition committed a chunk
        Path csv = csv(users);
        long before = lastExecution();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                "org.accountpurge.cli.Main", "purge", "--config", config.toString(), "--input", csv.toString(),
                "--reason", "OPS-28", "--new-run");
        properties().forEach((k, v) -> pb.environment().put(k, String.valueOf(v)));
        Path log = Path.of("target", "remote-manager.log");
        Process manager = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (committedPurgeChunks(before) == 0) {
                assertThat(manager.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("a partition committed a chunk within 120 s").isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } finally {
            manager.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        long crashed = lastExecution();
        assertThat(crashed).isGreaterThan(before);

        // then the workers stop the partitions they were working before their next chunk: the manager is gone
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count("SELECT count(*) FROM purge.batch_step_execution WHERE job_execution_id = " + crashed
                + " AND step_name LIKE 'purgeUsers:%' AND status = 'STARTED'", null) > 0) {
            assertThat(System.nanoTime()).as("the workers let go of the dead manager's partitions within 60 s")
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
        // and status tells the operator why each of them failed
        List<String> stopped = jdbc.queryForList("SELECT step_name FROM purge.batch_step_execution WHERE"
                + " job_execution_id = ? AND step_name LIKE 'purgeUsers:%' AND status = 'FAILED'", String.class, crashed);
        assertThat(stopped).isNotEmpty();
        assertThat(cli("status", "--config", config.toString(), "--execution", String.valueOf(crashed)))
                .as(output.getAll()).isEqualTo(1);
        for (String partition : stopped) {
            assertThat(output.getOut()).contains("partition " + partition + " failed: its worker stopped it: nobody"
                    + " holds the tenant's purge lock: the manager's process is gone");
        }

        // when Keycloak answers on time again and the execution is restarted after the crash
        proxied.keycloak().heal();
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(crashed),
                "--after-crash")).as(output.getAll()).isZero();

        // then every listed user is purged, each deleted once
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PURGED'", null))
                .isEqualTo(users.size());
        assertEachPurgedAccountDeletedOnce(run);
    }

    @Test
    void aWorkerWithAnotherConfigurationFailsThePartitionsItIsSentAndRunsNone(CapturedOutput output) throws Exception {
        // given a worker whose configuration file is not the manager's (one comment more)
        Path config = remoteConfig(10, "60s");
        Path other = Files.writeString(dir.resolve("worker.yml"), Files.readString(config) + "\n# the worker's copy\n");
        worker(other);
        List<String> users = purgeable(20);

        // when the manager purges
        assertThat(cli("purge", "--config", config.toString(), "--input", csv(users).toString(), "--reason", "OPS-28",
                "--new-run")).as(output.getAll()).isEqualTo(1);

        // then the partitions it was sent failed, naming both files' SHA-256, and nothing was purged
        String manager = org.accountpurge.candidate.CsvCandidateReader.sha256(config);
        String worker = org.accountpurge.candidate.CsvCandidateReader.sha256(other);
        assertThat(output.getOut()).contains("partition retainUsers:partition", " failed: a worker's configuration file"
                + " (SHA-256 " + worker + ") is not the one the manager runs with (SHA-256 " + manager + ")");
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state <> 'PENDING'",
                null)).isZero();
    }

    @Test
    void aManagerLaunchedWithoutTheCommandLineHoldsTheTenantsLockItself(CapturedOutput output) throws Exception {
        // given a worker, and the job launched in an application of its own (no command line, so no lock taken first)
        Path config = remoteConfig(10, "60s");
        worker(config);
        List<String> users = purgeable(20);
        try (var ctx = TenantContext.open(config, properties(), TenantContext.Access.WRITE)) {
            // when another process holds the tenant's lock
            Path first = csv(users.subList(0, 10));
            org.springframework.batch.core.job.JobExecution refused;
            try (var other = org.accountpurge.store.postgres.TenantLock.tryAcquire(jdbc.getDataSource(), "public")
                    .orElseThrow()) {
                refused = JobRuns.launch(ctx, first, org.accountpurge.candidate.CsvCandidateReader.sha256(first),
                        false);
            }
            // then the manager's step fails before any partition is sent, saying why, and nothing is purged
            assertThat(refused.getStatus()).isEqualTo(org.springframework.batch.core.BatchStatus.FAILED);
            assertThat(output.getAll()).contains("another process holds the tenant's purge lock: this execution"
                    + " sends no work to the workers while it runs");
            assertThat(count("SELECT count(*) FROM purge.batch_step_execution WHERE job_execution_id = "
                    + refused.getId() + " AND step_name LIKE '%:partition%'", null)).isZero();
            assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + refused.getJobInstance().getInstanceId()
                    + " AND state = 'PURGED'", null)).isZero();

            // when nobody holds it, then the manager takes it, and the worker works the partitions
            Path second = csv(users.subList(10, 20));
            var done = JobRuns.launch(ctx, second, org.accountpurge.candidate.CsvCandidateReader.sha256(second),
                    false);
            assertThat(done.getStatus()).as(output.getAll()).isEqualTo(
                    org.springframework.batch.core.BatchStatus.COMPLETED);
            assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + done.getJobInstance().getInstanceId()
                    + " AND state = 'PURGED'", null)).isEqualTo(10);
        }
    }

    @Test
    void aWorkerWithoutABrokerIsRefused(CapturedOutput output) throws Exception {
        // when a worker starts with a configuration that has no purge.job.remote
        int code = cli("worker", "--config", referenceConfig(10, yaml -> yaml.replace("chunk-size: 10",
                "chunk-size: 10\n    partitions: 2")).toString());

        // then it is refused: nothing started, and the operator is told what is missing
        assertThat(code).isEqualTo(2);
        assertThat(output.getErr()).contains("worker needs purge.job.remote (broker-url, queue)");
    }

    @Test
    void aWorkerStoppedBySigtermStopsItsPartitionAfterItsChunkAndTheRunEndsStoppedRestartable(CapturedOutput output)
            throws Exception {
        // given users the workers purge slowly, and two workers
        List<String> users = purgeable(60);
        Path config = slowKeycloakTwoWorkers(Duration.ofSeconds(1), "60s");

        // when the purge runs and the worker of a partition that committed a chunk gets SIGTERM (a pod evicted)
        Path csv = csv(users);
        long before = lastExecution();
        CompletableFuture<Integer> manager = CompletableFuture.supplyAsync(() -> cli("purge", "--config",
                config.toString(), "--input", csv.toString(), "--reason", "OPS-28", "--new-run"));
        Busy busy = busyWorker(before, manager, output);
        Process stopped = busy.worker();
        String partition = busy.partition();
        stopped.destroy();

        // then that worker ends by itself, having stopped its partition after the chunk in progress
        assertThat(stopped.waitFor(60, TimeUnit.SECONDS)).as("the worker ended within 60 s of SIGTERM").isTrue();
        assertThat(stopped.exitValue()).as("0, or 143 (128 + SIGTERM) as the JVM ends on the signal").isIn(0, 143);
        assertThat(Files.readString(Path.of("target", "remote-worker-" + workers.indexOf(stopped) + ".log")))
                .contains("Worker stopped (SIGTERM)").doesNotContain("InterruptedException");
        manager.get(120, TimeUnit.SECONDS);
        long execution = lastExecution();
        assertThat(jdbc.queryForObject("SELECT status FROM purge.batch_step_execution WHERE job_execution_id = ? AND"
                + " step_name = ?", String.class, execution, partition)).isEqualTo("STOPPED");
        // and the run ends STOPPED, restartable: the other worker finished its partitions meanwhile
        assertThat(jdbc.queryForObject("SELECT status FROM purge.batch_job_execution WHERE job_execution_id = ?",
                String.class, execution)).isEqualTo("STOPPED");

        // when it is restarted
        proxied.keycloak().heal();
        assertThat(cli("restart", "--config", config.toString(), "--execution", String.valueOf(execution)))
                .as(output.getAll()).isZero();

        // then every listed user is purged
        long run = count("SELECT max(run_id) FROM purge.candidate", null);
        assertThat(count("SELECT count(*) FROM purge.candidate WHERE run_id = " + run + " AND state = 'PURGED'", null))
                .isEqualTo(users.size());
    }

    /**
     * Keycloak deletions answered {@code late} (so that partitions last long enough to be hit mid-way), and two
     * workers on the remote configuration (chunks of 5, {@code workerTimeout}), which is returned.
     */
    Path slowKeycloakTwoWorkers(Duration late, String workerTimeout) throws Exception {
        proxied.keycloak().answerLate("DELETE .*/users/.*", 10_000, late);
        Path config = remoteConfig(5, workerTimeout);
        workers(config, 2);
        return config;
    }

    /** A worker process, and the partition it works. */
    record Busy(Process worker, String partition) {
    }

    /**
     * Waits (up to 120 s, while the manager runs) for a purgeUsers partition of an execution after {@code before} that
     * a worker started and committed a chunk of: "mid-partition".
     */
    Busy busyWorker(long before, CompletableFuture<Integer> manager, CapturedOutput output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            assertThat(System.nanoTime()).as("a partition committed a chunk within 120 s").isLessThan(deadline);
            assertThat(manager).as(output.getAll()).isNotDone();
            for (Map<String, Object> started : startedPurgePartitions(before)) {
                String pid = pidIn(String.valueOf(started.get("short_context")));
                for (Process worker : workers) {
                    if (String.valueOf(worker.pid()).equals(pid)) {
                        return new Busy(worker, String.valueOf(started.get("step_name")));
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** The purgeUsers partitions of executions after {@code execution} that are running and committed a chunk. */
    List<Map<String, Object>> startedPurgePartitions(long execution) {
        try {
            return jdbc.queryForList("SELECT s.step_name, c.short_context FROM purge.batch_step_execution s JOIN"
                    + " purge.batch_step_execution_context c ON c.step_execution_id = s.step_execution_id WHERE"
                    + " s.step_name LIKE 'purgeUsers:%' AND s.status = 'STARTED' AND s.commit_count > 0 AND"
                    + " s.job_execution_id > ?", execution);
        } catch (org.springframework.jdbc.BadSqlGrammarException e) {
            return List.of(); // the manager has not made the tool's tables yet
        }
    }

    /** Chunks the purgeUsers partitions of executions after {@code execution} committed. */
    long committedPurgeChunks(long execution) {
        try {
            return count("SELECT coalesce(sum(commit_count), 0) FROM purge.batch_step_execution WHERE step_name LIKE"
                    + " 'purgeUsers:%' AND job_execution_id > " + execution, null);
        } catch (org.springframework.jdbc.BadSqlGrammarException e) {
            return 0;
        }
    }

    /** The tenant's last job execution (0 before the tool's tables exist). */
    long lastExecution() {
        try {
            return count("SELECT coalesce(max(job_execution_id), 0) FROM purge.batch_job_execution", null);
        } catch (org.springframework.jdbc.BadSqlGrammarException e) {
            return 0;
        }
    }

    /** Users the reference configuration purges: never logged in and held by no retention rule. */
    List<String> purgeable(int n) {
        List<String> users = new ArrayList<>(seeded.manifest().userIds().get("neverLoggedIn"));
        for (String kind : List.of("contentCreators", "batchCreators", "mentors", "orgAdmins", "platformAdmins",
                "supportStaff", "groupOwners", "noKeycloak")) {
            users.removeAll(seeded.manifest().userIds().get(kind));
        }
        seeded.tenant().tables().get("group_member").rows().forEach(m -> users.remove(m[1].toString()));
        return users.subList(0, Math.min(n, users.size()));
    }
}
