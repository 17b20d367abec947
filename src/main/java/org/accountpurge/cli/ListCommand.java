package org.accountpurge.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code list}: the last executions. */
@Command(name = "list", sortOptions = false, sortSynopsis = false,
        description = "The last executions, one line each: run, input or selection, status, start, end, accounts"
                + " per state. Read-only.")
final class ListCommand extends CliCommand {

    @Spec
    private CommandSpec spec;

    @Mixin
    private Options.Config config;

    private int limit = 20;

    @Option(names = "--limit", paramLabel = "N", description = "How many (1 to 10000; default 20).")
    void limit(int value) {
        if (value < 1 || value > 10_000) {
            throw new ParameterException(spec.commandLine(), "--limit must be between 1 and 10000 (got " + value + ")");
        }
        limit = value;
    }

    @Override
    public Integer call() {
        return list(config.file, limit, properties());
    }

    /** One line per recent execution, newest first: run, what it purges, status, counts, start (by whom) and end. */
    static int list(Path config, int limit, Map<String, Object> properties) {
        try (ConfigurableApplicationContext ctx = TenantContext.readOnly(config, properties)) {
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            List<String> lines = jdbc.query("""
                    SELECT e.job_execution_id, e.job_instance_id, e.status,
                           date_trunc('second', e.start_time), date_trunc('second', e.end_time),
                           (SELECT string_agg(p.parameter_value, ' of ' ORDER BY p.parameter_name DESC)
                              FROM purge.batch_job_execution_params p WHERE p.job_execution_id = e.job_execution_id
                               AND p.parameter_name IN ('input', 'selection', 'run.date')),
                           (SELECT p.parameter_value FROM purge.batch_job_execution_params p
                             WHERE p.job_execution_id = e.job_execution_id AND p.parameter_name = 'dry.run'),
                           (SELECT string_agg(lower(state) || ' ' || n, ', ' ORDER BY state)
                              FROM (SELECT state, count(*) AS n FROM purge.candidate c
                                     WHERE c.run_id = e.job_instance_id GROUP BY state) s),
                           (SELECT c.initiator FROM purge.execution_config c WHERE c.job_execution_id = e.job_execution_id)
                      FROM purge.batch_job_execution e ORDER BY e.job_execution_id DESC LIMIT ?
                    """, (rs, n) -> "execution " + rs.getLong(1) + "  run " + rs.getLong(2) + "  " + rs.getString(3)
                    + ("true".equals(rs.getString(7)) ? " (dry run)" : "") + "  " + rs.getString(6) + "  started "
                    + rs.getString(4) + (rs.getString(9) == null ? "" : " by " + rs.getString(9))
                    + (rs.getString(5) == null ? "" : ", ended " + rs.getString(5)) + "  accounts: "
                    + (rs.getString(8) == null ? "none" : rs.getString(8)), limit);
            System.out.println(lines.isEmpty() ? "No executions yet." : String.join("\n", lines));
            return ExitCode.COMPLETED;
        }
    }
}
