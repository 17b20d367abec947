package org.accountpurge.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The folder of one execution's report, {@code <report-directory>/<tenant>/run-<R>-execution-<E>/} (see
 * {@link #tenant}; a file {@code .owner} names the tenant and execution it belongs to): {@code report.json},
 * {@code report.html} (self-contained: no script, style sheet or font from elsewhere) and the account ids as CSV —
 * {@code purged.csv}, {@code retained.csv} (with the reason), {@code failed.csv} (with the store, target and error of
 * the last failure), {@code rejected.csv} (input line and reason) and {@code handovers.csv} (what each account
 * handed over to whom: reassigned rows, promoted groups). Written again, it is replaced whole: each file is
 * written next to its place and moved over it.
 */
public final class ReportFolder {

    public static final String JSON = "report.json";
    public static final String HTML = "report.html";

    private ReportFolder() {
    }

    /** The file in each report folder naming the job repository (tenant) and execution it belongs to. */
    static final String OWNER = ".owner";

    /** The folder of an execution's report under {@code root}, in the folder of its tenant ({@link #tenant}). */
    public static Path of(Path root, String tenant, long runId, long executionId) {
        return root.resolve(tenant).resolve("run-" + runId + "-execution-" + executionId).toAbsolutePath();
    }

    /**
     * The folder of this tenant's reports and CSVs under the report directory: {@code <database>-<repository>}, the
     * database's name and the first 8 characters of the job repository's random id ({@code purge.repository}), so
     * that two tenants sharing a report directory — each with its run 1 — never write into the same folder. The
     * database's name alone before the repository has an id (a schema of an earlier version, read-only).
     */
    public static String tenant(JdbcTemplate jdbc) {
        String database = jdbc.queryForObject("SELECT current_database()", String.class);
        Boolean identified = jdbc.queryForObject("SELECT to_regclass('purge.repository') IS NOT NULL", Boolean.class);
        String id = Boolean.TRUE.equals(identified) ? jdbc.query("SELECT id::text FROM purge.repository",
                rs -> rs.next() ? rs.getString(1) : null) : null;
        String name = (database == null ? "tenant" : database) + (id == null ? "" : "-" + id.substring(0, 8));
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * Writes the report and, with {@code csvs}, the CSVs of its run (they do not change once the run's last step has
     * run); returns the folder. A folder that belongs to another tenant's or another execution's report is never
     * written into: it fails naming both.
     */
    public static Path write(Path root, RunReport report, JdbcTemplate jdbc, boolean csvs) {
        long run = report.summary().runId();
        String tenant = tenant(jdbc);
        Path folder = of(root, tenant, run, report.summary().jobExecutionId());
        try {
            Files.createDirectories(folder);
            claim(folder, tenant + " run " + run + " execution " + report.summary().jobExecutionId());
            replace(folder.resolve(JSON), out -> JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                    .writeValue(out, report));
            replace(folder.resolve(HTML), out -> out.write(ReportHtml.render(report)));
            if (!csvs) {
                return folder;
            }
            csv(folder.resolve("purged.csv"), jdbc, List.of("kind", "account_id"), "SELECT kind, account_id FROM"
                    + " purge.candidate WHERE run_id = ? AND state = 'PURGED' ORDER BY kind, account_id", run);
            csv(folder.resolve("retained.csv"), jdbc, List.of("kind", "account_id", "reason"), "SELECT kind,"
                    + " account_id, reason FROM purge.retention WHERE run_id = ? ORDER BY kind, account_id, reason", run);
            csv(folder.resolve("failed.csv"), jdbc, List.of("kind", "account_id", "store", "target", "error_class"),
                    StepLog.FAILED_ACCOUNTS, run);
            csv(folder.resolve("rejected.csv"), jdbc, List.of("line", "reason"), "SELECT row_no, reason FROM"
                    + " purge.rejected_row WHERE run_id = ? ORDER BY row_no", run);
            csv(folder.resolve("handovers.csv"), jdbc, List.of("kind", "account_id", "target", "group", "successor",
                    "count"), "SELECT kind, account_id, target, item, successor, sum(count) FROM purge.handover WHERE"
                    + " run_id = ? GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5", run);
            return folder;
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("Cannot write the report to " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Marks the folder as this execution's ({@link #OWNER}), or fails when it is another's: a report never overwrites
     * the report of another tenant or execution.
     */
    private static void claim(Path folder, String owner) throws IOException {
        Path marker = folder.resolve(OWNER);
        if (Files.exists(marker)) {
            String found = Files.readString(marker, StandardCharsets.UTF_8).strip();
            if (!found.equals(owner)) {
                throw new IllegalStateException("the report folder " + folder + " belongs to " + found + ", not to "
                        + owner + ": not overwritten (give each tenant a report directory of its own)");
            }
            return;
        }
        try (var files = Files.list(folder)) {
            if (files.findAny().isPresent()) {
                throw new IllegalStateException("the report folder " + folder + " holds files of an unknown owner, not"
                        + " " + owner + "'s: not overwritten");
            }
        }
        Files.writeString(marker, owner + "\n", StandardCharsets.UTF_8);
    }

    private interface Content {
        void write(BufferedWriter out) throws IOException;
    }

    private static void replace(Path file, Content content) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try (BufferedWriter out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            content.write(out);
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Streams a query's rows into a CSV (RFC 4180 quoting; a cell a spreadsheet would run as a formula is defused). */
    private static void csv(Path file, JdbcTemplate jdbc, List<String> header, String sql, long run) throws IOException {
        replace(file, out -> {
            out.write(String.join(",", header));
            out.write("\r\n");
            try {
                jdbc.query(con -> {
                    var statement = con.prepareStatement(sql);
                    statement.setFetchSize(10_000);
                    statement.setLong(1, run);
                    return statement;
                }, rs -> {
                    try {
                        for (int i = 1; i <= header.size(); i++) {
                            if (i > 1) {
                                out.write(',');
                            }
                            out.write(cell(rs.getString(i)));
                        }
                        out.write("\r\n");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        });
    }

    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String text = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return text.matches("[^,\"\r\n]*") ? text : "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
