package org.accountpurge.audit;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: a self-contained page (inline style, an inline SVG chart, no script, nothing fetched) of a
 * {@link RunReport}. Every figure taken from the report carries {@code data-key}, the JSON pointer of the same value
 * in {@code report.json}, so the page can be checked against the JSON. All text is escaped.
 */
final class ReportHtml {

    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}
            .banner{padding:.6em 1em;background:#fff4ce;border:1px solid #e0c060}.bad{color:#a00}
            code{font-size:.9em;word-break:break-all}""";

    private final StringBuilder html = new StringBuilder(16_384);

    private ReportHtml() {
    }

    static String render(RunReport report) {
        return new ReportHtml().page(report);
    }

    private String page(RunReport report) {
        header(report);
        whoAndWhy(report);
        totals(report);
        perStore(report);
        rejected(report);
        failures(report);
        timeline(report);
        steps(report);
        accountIds(report);
        return html.toString();
    }

    private void header(RunReport report) {
        RunSummary s = report.summary();
        String title = "Purge report: run " + s.runId() + ", execution " + s.jobExecutionId();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src")
                .append(" 'unsafe-inline'; img-src data:\"><title>").append(esc(title)).append("</title><style>")
                .append(STYLE).append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        html.append("<p>Status <strong id=\"status\" data-key=\"/summary/status\">").append(esc(s.status()))
                .append("</strong>; input <code data-key=\"/summary/input\">").append(esc(s.input()))
                .append("</code>; report generated ").append(esc(report.generatedAt())).append("</p>\n");
        if (s.dryRun()) {
            html.append("<p class=\"banner\" id=\"dry-run\">DRY RUN: nothing was deleted; pending accounts are those a"
                    + " real run would purge.</p>\n");
        }
        if (report.exitMessage() != null && !report.exitMessage().isBlank() && !"COMPLETED".equals(s.status())) {
            html.append("<p class=\"bad\">").append(esc(firstLine(report.exitMessage()))).append("</p>\n");
        }
    }

    private void whoAndWhy(RunReport report) {
        RunSummary s = report.summary();
        heading("Who and why");
        html.append("<table id=\"executions\"><tr><th>Execution</th><th>Status</th><th>Started</th><th>Ended</th>")
                .append("<th>Initiator</th><th>Reason</th><th>Command</th><th>Configuration (SHA-256)</th></tr>\n");
        for (int i = 0; i < report.executions().size(); i++) {
            RunReport.Execution e = report.executions().get(i);
            String key = "/executions/" + i + "/";
            html.append("<tr>").append(cell(key + "id", String.valueOf(e.id()), true))
                    .append(cell(key + "status", e.status(), false)).append(cell(null, e.startTime(), false))
                    .append(cell(null, e.endTime(), false)).append(cell(key + "initiator", e.initiator(), false))
                    .append(cell(key + "reason", e.reason(), false)).append(cell(null, e.command(), false))
                    .append("<td><code>").append(esc(e.configFile())).append("</code><br><code>")
                    .append(esc(e.configSha256())).append("</code>").append(e.configChanged() ? " (changed)" : "")
                    .append("</td></tr>\n");
        }
        html.append("</table>\n<table id=\"parameters\"><tr><th>Job parameter</th><th>Value</th></tr>\n");
        report.parameters().forEach((name, value) -> html.append("<tr><td>").append(esc(name)).append("</td>")
                .append(cell("/parameters/" + pointer(name), value, false)).append("</tr>\n"));
        html.append("</table>\n");
        if (!s.guardOverridden().isEmpty()) {
            html.append("<p>Blast-radius guard overridden: ").append(esc(String.join("; ", s.guardOverridden())))
                    .append("</p>\n");
        }
    }

    private void totals(RunReport report) {
        RunSummary s = report.summary();
        heading("Totals");
        html.append("<table id=\"totals\">");
        report.totals().forEach((name, n) -> total(Character.toUpperCase(name.charAt(0)) + name.substring(1), "/totals/" + pointer(name), n));
        total("Failed attempts (all executions)", "/summary/failedAttempts", s.failedAttempts());
        total("Verification: purged accounts with residue (-1: no verification has completed for this run: a dry"
                + " run, or one that has not reached its verifyPurge step)", "/summary/residue", s.residue());
        html.append("</table>\n");
        nested("Candidates by kind and state", "candidates", "/summary/candidates", s.candidates(), "Kind", "State");
    }

    private void perStore(RunReport report) {
        RunSummary s = report.summary();
        heading("Per store and target");
        List<String> outcomes = s.stores().values().stream().flatMap(t -> t.values().stream())
                .flatMap(a -> a.keySet().stream()).distinct().sorted().toList();
        html.append("<table id=\"stores\"><tr><th>Store</th><th>Target</th>");
        outcomes.forEach(o -> html.append("<th>").append(esc(o)).append("</th>"));
        html.append("</tr>\n");
        s.stores().forEach((store, targets) -> targets.forEach((target, actions) -> {
            html.append("<tr><td>").append(esc(store)).append("</td><td>").append(esc(target)).append("</td>");
            for (String o : outcomes) {
                Long n = actions.get(o);
                html.append(n == null ? "<td></td>" : cell("/summary/stores/" + pointer(store) + "/" + pointer(target)
                        + "/" + pointer(o), String.valueOf(n), true));
            }
            html.append("</tr>\n");
        }));
        html.append("</table>\n<p>Deleted, nulled and reassigned count rows or documents, promoted the groups handed"
                + " to another member, scrubbed the accounts' own rows kept and anonymised; the other outcomes count"
                + " accounts."
                + " Absent: nothing was there (already gone, or never had any). Absent_after_unanswered_attempt: gone"
                + " when tried again after an attempt of this run whose answer never came (killed, timed out); that"
                + " attempt may have removed it, or it was gone before.</p>\n");

        nested("Retained accounts by reason", "retained", "/summary/retained", s.retained(), "Kind", "Reason");
    }

    private void rejected(RunReport report) {
        RunSummary s = report.summary();
        heading("Rejected input rows by reason");
        html.append("<table id=\"rejected\"><tr><th>Reason</th><th>Rows</th></tr>\n");
        s.rejected().forEach((reason, n) -> html.append("<tr><td>").append(esc(reason)).append("</td>")
                .append(cell("/summary/rejected/" + pointer(reason), String.valueOf(n), true)).append("</tr>\n"));
        html.append("</table>\n");
    }

    private void failures(RunReport report) {
        heading("Failures");
        html.append("<table id=\"failures\"><tr><th>Store</th><th>Target</th><th>Error</th><th>Accounts</th></tr>\n");
        for (int i = 0; i < report.failures().size(); i++) {
            RunReport.Failure f = report.failures().get(i);
            html.append("<tr><td>").append(esc(f.store())).append("</td><td>").append(esc(f.target()))
                    .append("</td><td>").append(esc(f.errorClass())).append("</td>")
                    .append(cell("/failures/" + i + "/accounts", String.valueOf(f.accounts()), true)).append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private void timeline(RunReport report) {
        heading("Purged accounts over time");
        chart(report.timeline());
    }

    private void steps(RunReport report) {
        heading("Steps of the run's executions");
        html.append("<table id=\"steps\"><tr><th>Execution</th><th>Step</th><th>Status</th><th>Read</th><th>Written</th>"
                + "<th>Filtered</th>")
                .append("<th>Commits</th><th>Rollbacks</th><th>Seconds</th><th>Items/s</th></tr>\n");
        for (int i = 0; i < report.steps().size(); i++) {
            RunReport.StepFigures f = report.steps().get(i);
            String key = "/steps/" + i + "/";
            html.append("<tr>").append(cell(key + "execution", String.valueOf(f.execution()), true))
                    .append("<td>").append(esc(f.name())).append("</td><td>").append(esc(f.status())).append("</td>")
                    .append(cell(key + "read", String.valueOf(f.read()), true))
                    .append(cell(key + "written", String.valueOf(f.written()), true))
                    .append(cell(key + "filtered", String.valueOf(f.filtered()), true))
                    .append(cell(key + "commits", String.valueOf(f.commits()), true))
                    .append(cell(key + "rollbacks", String.valueOf(f.rollbacks()), true))
                    .append(cell(null, String.format(Locale.ROOT, "%.2f", f.seconds()), true))
                    .append(cell(null, String.format(Locale.ROOT, "%.1f", f.itemsPerSecond()), true)).append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private void accountIds(RunReport report) {
        heading("Account ids");
        html.append("<p>In this folder: <a href=\"purged.csv\">purged.csv</a>, <a href=\"retained.csv\">retained.csv</a>")
                .append(" (with the reason), <a href=\"failed.csv\">failed.csv</a> (with the store and error),")
                .append(" <a href=\"rejected.csv\">rejected.csv</a> (input line and reason), and")
                .append(" <a href=\"report.json\">report.json</a>.</p>\n</body></html>\n");
    }

    private void heading(String text) {
        html.append("<h2>").append(esc(text)).append("</h2>\n");
    }

    private void total(String label, String key, long value) {
        html.append("<tr><th>").append(esc(label)).append("</th>").append(cell(key, String.valueOf(value), true))
                .append("</tr>\n");
    }

    private void nested(String title, String id, String key, Map<String, ? extends Map<String, Long>> values,
                        String outer, String inner) {
        heading(title);
        html.append("<table id=\"").append(id).append("\"><tr><th>").append(outer).append("</th><th>").append(inner)
                .append("</th><th>Accounts</th></tr>\n");
        values.forEach((a, byB) -> byB.forEach((b, n) -> html.append("<tr><td>").append(esc(a)).append("</td><td>")
                .append(esc(b)).append("</td>").append(cell(key + "/" + pointer(a) + "/" + pointer(b),
                        String.valueOf(n), true)).append("</tr>\n")));
        html.append("</table>\n");
    }

    /** Bars of purged accounts per interval, each with its figure as a tooltip and a data-key. */
    private void chart(List<RunReport.TimelinePoint> points) {
        if (points.isEmpty()) {
            html.append("<p id=\"timeline-empty\">No account was purged.</p>\n");
            return;
        }
        long max = points.stream().mapToLong(RunReport.TimelinePoint::purged).max().orElse(1);
        int width = 800;
        int height = 200;
        double bar = (double) width / points.size();
        html.append("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width + 60)
                .append("\" height=\"").append(height + 40).append("\" role=\"img\" aria-label=\"purged accounts per")
                .append(" interval\"><text x=\"0\" y=\"12\" font-size=\"11\">").append(max).append("</text>");
        for (int i = 0; i < points.size(); i++) {
            RunReport.TimelinePoint p = points.get(i);
            double h = Math.max(1, (double) p.purged() / max * height);
            html.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                    + " height=\"%.1f\" fill=\"#3b73b9\" data-key=\"/timeline/%d/purged\" data-value=\"%d\">",
                    40 + i * bar, 10 + height - h, Math.max(1, bar - 2), h, i, p.purged()))
                    .append("<title>").append(esc(p.from())).append(": ").append(p.purged()).append("</title></rect>");
        }
        html.append("<text x=\"40\" y=\"").append(height + 28).append("\" font-size=\"11\">")
                .append(esc(points.get(0).from())).append("</text><text x=\"").append(width - 120).append("\" y=\"")
                .append(height + 28).append("\" font-size=\"11\">").append(esc(points.get(points.size() - 1).from()))
                .append("</text></svg>\n");
    }

    private static String cell(String key, String value, boolean number) {
        return "<td" + (number ? " class=\"n\"" : "") + (key == null ? "" : " data-key=\"" + esc(key) + "\"") + ">"
                + esc(value) + "</td>";
    }

    /** A JSON pointer segment (RFC 6901). */
    private static String pointer(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
