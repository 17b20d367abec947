package org.accountpurge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.accountpurge.candidate.CsvCandidateReader;
import org.accountpurge.dev.SeedCommand;
import org.accountpurge.seed.ReferenceTenant;
import org.accountpurge.seed.SeedManifest;
import org.accountpurge.seed.TenantGenerator;
import org.accountpurge.support.ProxiedStack;
import org.accountpurge.support.RealStackExtension;
import org.accountpurge.support.RealStack;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The run report an auditor reads: a CSV purge on the real stack with an initiator and a reason, then its report
 * folder — report.json, the CSVs of account ids, and report.html read in a real headless Chromium, where every figure
 * equals the JSON's. The reason is kept as typed (markup and a placeholder are neither run nor resolved).
 */
@RealStack(seeding = RealStack.Seeding.NONE)
@ExtendWith(OutputCaptureExtension.class)
class RunReportTest {

    static final String SECRET = RealStackExtension.SECRET;
    static final String REASON = "OPS-4711 <script>document.title='owned'</script> ${PURGE_DB_PASSWORD}";

    static ProxiedStack proxied;
    static JdbcTemplate jdbc;

    @TempDir
    Path dir;

    @BeforeAll
    static void stack(ProxiedStack proxiedStack) {
        proxied = proxiedStack;
        jdbc = proxied.jdbc();
    }

    @Test
    void aRunWritesAReportFolderThatTheBrowserShowsWithTheJsonsFigures(CapturedOutput output) throws Exception {
        // given a seeded tenant and a CSV of never-logged-in users, a platform admin (retained), an id no store
        // knows, a malformed row and a duplicate
        SeedManifest manifest = SeedCommand.seed(TestStack.stack(), 200, 10, 5, SECRET, null);
        List<String> users = unretainedNeverLoggedIn(manifest, TenantGenerator.generate(200, 10, 5)).subList(0, 30);
        String admin = manifest.userIds().get("platformAdmins").get(0);
        StringBuilder csv = new StringBuilder("account_id,kind,batch_" + UUID.randomUUID().toString().substring(0, 8)
                + "\n");
        users.forEach(id -> csv.append(id).append(",user\n"));
        csv.append(admin).append(",user\n").append(UUID.randomUUID()).append(",user\n")
                .append("not-an-id,user\n").append(users.get(0)).append(",user\n");
        Path input = Files.writeString(dir.resolve("cleanup.csv"), csv.toString());
        // and a Pushgateway (an HTTP server of the test that keeps what is pushed) configured in the job's file
        List<String> pushed = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", exchange -> {
            pushed.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        gateway.start();
        Path config = Files.writeString(config(), "\nmanagement.prometheus.metrics.export.pushgateway:\n"
                + "  enabled: true\n  address: 127.0.0.1:" + gateway.getAddress().getPort() + "\n",
                java.nio.file.StandardOpenOption.APPEND);

        // when a purge without a reason is asked for, then it is refused before anything runs
        long before = count("SELECT count(*) FROM purge.batch_job_execution");
        assertThat(cli("purge", "--config", config.toString(), "--input", input.toString())).isEqualTo(2);
        assertThat(output.getAll()).contains("purge needs --reason");
        assertThat(cli("purge", "--config", config.toString(), "--input", input.toString(), "--reason", "two\nlines"))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM purge.batch_job_execution")).isEqualTo(before);

        // when it runs with an initiator and a reason
        assertThat(cli("purge", "--config", config.toString(), "--input", input.toString(), "--initiator",
                "alice.ops", "--reason", REASON)).isZero();
        long execution = count("SELECT max(job_execution_id) FROM purge.batch_job_execution");
        long run = count("SELECT job_instance_id FROM purge.batch_job_execution WHERE job_execution_id = " + execution);

        // then the job repository records who, why, the command, the configuration's and the input's checksums
        Map<String, Object> who = jdbc.queryForMap("SELECT initiator, reason, command, config_sha256 FROM"
                + " purge.execution_config WHERE job_execution_id = ?", execution);
        assertThat(who).containsEntry("initiator", "alice.ops").containsEntry("reason", REASON)
                .containsEntry("command", "purge").containsEntry("config_sha256", CsvCandidateReader.sha256(config));
        Path folder = org.accountpurge.audit.ReportFolder.of(Path.of("target/purge-reports-test"),
                org.accountpurge.audit.ReportFolder.tenant(jdbc), run, execution);
        assertThat(output.getAll()).contains("Report: " + folder.resolve("report.html"));

        // and report.json says the same, with the input's checksum among the parameters
        JsonNode json = JsonMapper.builder().build().readTree(folder.resolve("report.json").toFile());
        assertThat(json.at("/executions/0/initiator").asString()).isEqualTo("alice.ops");
        assertThat(json.at("/executions/0/reason").asString()).isEqualTo(REASON);
        assertThat(json.at("/parameters/input.sha256").asString()).isEqualTo(CsvCandidateReader.sha256(input));
        assertThat(json.at("/summary/status").asString()).isEqualTo("COMPLETED");
        long purged = json.at("/summary/candidates/user/PURGED").asLong();
        assertThat(purged).isEqualTo(30);
        assertThat(json.at("/summary/candidates/user/RETAINED").asLong()).isEqualTo(1);
        assertThat(json.at("/summary/candidates/user/NOT_FOUND").asLong()).isEqualTo(1);
        assertThat(json.at("/totals/accounts purged").asLong()).isEqualTo(30);
        assertThat(json.at("/totals/input rows rejected").asLong()).isEqualTo(2);
        // and its times are to the second, and the page explains what -1 means for the verification
        assertThat(json.at("/executions/0/startTime").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(json.at("/generatedAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(Files.readString(folder.resolve("report.html"))).contains("-1: no verification has completed for"
                + " this run");

        // and the report was made on fresh statistics of the run's tables (a new run's ids are beyond stale ones,
        // and the report's joins then run as nested loops)
        assertThat(count("SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = 'purge' AND relname IN"
                + " ('candidate', 'step_log') AND last_analyze >= (SELECT start_time FROM purge.batch_job_execution"
                + " WHERE job_execution_id = " + execution + ")")).isEqualTo(2);

        // and the CSVs list the accounts: purged, retained with the reason, rejected rows with theirs
        assertThat(Files.readAllLines(folder.resolve("purged.csv"))).hasSize(1 + 30).first()
                .isEqualTo("kind,account_id");
        assertThat(Files.readAllLines(folder.resolve("purged.csv"))).contains("user," + users.get(5));
        assertThat(Files.readString(folder.resolve("retained.csv"))).contains("user," + admin + ",");
        assertThat(Files.readAllLines(folder.resolve("rejected.csv"))).hasSize(1 + 2);
        assertThat(Files.readAllLines(folder.resolve("failed.csv"))).containsExactly("kind,account_id,store,target,"
                + "error_class");

        // and the run's metrics were pushed to the Pushgateway when the command ended: accounts per store, target
        // and outcome, and Spring Batch's own step metrics
        gateway.stop(0);
        String last = pushed.get(pushed.size() - 1);
        assertThat(last).startsWith("PUT /metrics/job/account-purge");
        assertThat(last).containsPattern("account_purge_outcomes_total\\{[^}]*kind=\"user\"[^}]*outcome=\"deleted\""
                + "[^}]*store=\"keycloak\"[^}]*} 30.0");
        assertThat(last).containsPattern("account_purge_outcomes_total\\{[^}]*outcome=\"absent\"[^}]*"
                + "store=\"postgres\",target=\"users\"[^}]*} 1.0");
        assertThat(last).contains("spring_batch_step");
        assertThat(last).doesNotContain(SECRET);

        // and in a real browser the page renders, runs nothing, and every figure on it equals the JSON's
        assertPageMatchesJson(folder, json, purged);

        // when the folder is lost and report is asked for the execution, then it is written again, the same
        deleteFolder(folder);
        assertThat(cli("report", "--config", config.toString(), "--execution", String.valueOf(execution))).isZero();
        JsonNode again = JsonMapper.builder().build().readTree(folder.resolve("report.json").toFile());
        assertThat(again.at("/summary")).isEqualTo(json.at("/summary"));
        assertThat(again.at("/executions/0/status").asString()).isEqualTo("COMPLETED");
        assertThat(Files.readAllLines(folder.resolve("purged.csv"))).hasSize(1 + 30);
        assertPageMatchesJson(folder, again, purged);
    }

    static void assertPageMatchesJson(Path folder, JsonNode json, long purged) {
        WebDriver browser = browser();
        try {
            browser.get(folder.resolve("report.html").toUri().toString());
            assertThat(browser.getTitle()).startsWith("Purge report: run ");
            assertThat(browser.findElements(By.tagName("script"))).isEmpty();
            assertThat(browser.findElement(By.cssSelector("#executions")).getText()).contains(REASON)
                    .contains("alice.ops");
            List<WebElement> figures = browser.findElements(By.cssSelector("[data-key]"));
            assertThat(figures).hasSizeGreaterThan(20);
            for (WebElement figure : figures) {
                String key = figure.getAttribute("data-key");
                JsonNode value = json.at(JsonPointer.compile(key));
                assertThat(value.isMissingNode()).as("%s is in report.json", key).isFalse();
                String shown = figure.getAttribute("data-value") != null ? figure.getAttribute("data-value")
                        : figure.getText();
                assertThat(shown).as(key).isEqualTo(value.asString());
            }
            long bars = browser.findElements(By.cssSelector("#timeline rect.bar")).stream()
                    .mapToLong(bar -> Long.parseLong(bar.getAttribute("data-value"))).sum();
            assertThat(bars).as("the chart's bars add up to the purged accounts").isEqualTo(purged);
        } finally {
            browser.quit();
        }
    }

    /** Debian's chromium through its chromedriver, headless; nothing is downloaded. */
    static WebDriver browser() {
        Path driver = Path.of("/usr/bin/chromedriver");
        Path chromium = Path.of("/usr/bin/chromium");
        assertThat(Files.isExecutable(driver) && Files.isExecutable(chromium))
                .as("chromium and chromedriver are installed (.ci/ensure-chromium: apt-get install chromium"
                        + " chromium-driver)").isTrue();
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--allow-file-access-from-files");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().withTimeout(Duration.ofSeconds(60)).build();
        return new ChromeDriver(service, options);
    }

    static void deleteFolder(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(folder);
    }

    int cli(String... argv) throws Exception {
        return Main.execute(argv, proxied.properties(SECRET));
    }

    Path config() throws Exception {
        // (the job's own file: placeholders, then settings such as the Pushgateway's)
        String yaml = Files.readString(Path.of("jobs-config/reference-tenant.yml"))
                .replace("chunk-size: 100", "chunk-size: 10")
                .replace("report-directory: target/purge-reports", "report-directory: target/purge-reports-test");
        return Files.writeString(dir.resolve("job.yml"), yaml);
    }

    /** Never-logged-in users that no retention rule keeps. */
    static List<String> unretainedNeverLoggedIn(SeedManifest manifest, ReferenceTenant tenant) {
        List<String> ids = new ArrayList<>(manifest.userIds().get("neverLoggedIn"));
        for (String kind : List.of("contentCreators", "batchCreators", "mentors", "orgAdmins", "platformAdmins",
                "supportStaff", "groupOwners")) {
            ids.removeAll(manifest.userIds().get(kind));
        }
        tenant.tables().get("group_member").rows().forEach(m -> ids.remove(m[1].toString()));
        return ids;
    }

    static long count(String sql) {
        if (!Boolean.TRUE.equals(jdbc.queryForObject("SELECT to_regclass('purge.batch_job_execution') IS NOT NULL",
                Boolean.class))) {
            return 0;
        }
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }
}
