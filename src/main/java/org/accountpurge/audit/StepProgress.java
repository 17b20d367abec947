package org.accountpurge.audit;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.accountpurge.account.AccountKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Live progress of a step over a kind's pending candidates: accounts done of the total when the step started, the
 * rate, the time left and the accounts FAILED so far. On a terminal a progress bar (refreshed at most twice a
 * second); otherwise a log line every interval, whatever the chunk size, and one when the step ends.
 */
public final class StepProgress implements StepExecutionListener, ChunkListener<Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(StepProgress.class);

    /** How progress is shown: {@code auto} is a bar on a terminal, log lines otherwise. */
    public enum Mode { AUTO, BAR, LOG, OFF }

    private final AccountKind kind;
    private final JdbcTemplate jdbc;
    private final Mode mode;
    private final long intervalNanos;
    private StepExecution step;
    private long total;
    private long done;
    private long start;
    private long lastShown;
    private ProgressBar bar;

    public StepProgress(AccountKind kind, JdbcTemplate jdbc, String mode, Duration interval) {
        this.kind = kind;
        this.jdbc = jdbc;
        this.mode = Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        step = stepExecution;
        done = 0;
        start = System.nanoTime();
        lastShown = start;
        if (mode == Mode.OFF) {
            return;
        }
        total = count("PENDING");
        if (total == 0) {
            return;
        }
        if (mode == Mode.BAR || mode == Mode.AUTO && System.console() != null) {
            bar = bar(step.getStepName(), total).build();
        } else {
            log.info("{}: {} {} account(s) to go", step.getStepName(), total, kind);
        }
    }

    /** The bar of a step: the step's name, accounts done/total, elapsed and time left, accounts a second, the extra. */
    static ProgressBarBuilder bar(String stepName, long total) {
        return new ProgressBarBuilder().setTaskName(stepName).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).showSpeed().setUpdateIntervalMillis(500) // short: a bar on 80 columns
                .continuousUpdate();
    }

    /** Counts the chunk's accounts itself: the step's own counts are brought up to date only after this call. */
    @Override
    public void afterChunk(Chunk<Object> chunk) {
        if (step == null || total == 0 || mode == Mode.OFF) {
            return;
        }
        done += chunk.size();
        long now = System.nanoTime();
        if (bar != null) {
            if (now - lastShown >= 500_000_000L) {
                lastShown = now;
                bar.stepTo(Math.min(total, done));
                bar.setExtraMessage(extra(count("FAILED")));
            }
        } else if (now - lastShown >= intervalNanos) {
            lastShown = now;
            log.info(line(now));
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (bar != null) {
            bar.stepTo(Math.min(total, stepExecution.getReadCount()));
            bar.setExtraMessage(extra(count("FAILED")));
            bar.close();
            bar = null;
        } else if (total > 0 && mode != Mode.OFF) {
            done = stepExecution.getReadCount();
            log.info(line(System.nanoTime()) + " — " + stepExecution.getStatus());
        }
        step = null;
        return null;
    }

    /** "purgeUsers: 1200/20000 user accounts (6.0%), 85.3/s, about 3m 40s left, 2 failed so far". */
    private String line(long now) {
        double seconds = Math.max(0.001, (now - start) / 1e9);
        double rate = done / seconds;
        long left = Math.max(0, total - done);
        String eta = rate <= 0 ? "time left unknown" : "about " + duration(Math.round(left / rate)) + " left";
        return String.format(Locale.ROOT, "%s: %d/%d %s accounts (%.1f%%), %.1f/s, %s, %s", step.getStepName(), done,
                total, kind.code(), 100.0 * done / total, rate, left == 0 ? "done" : eta, failedSoFar());
    }

    private String failedSoFar() {
        return count("FAILED") + " failed so far";
    }

    /** The bar's extra text: the accounts FAILED so far. */
    static String extra(long failed) {
        return " | " + failed + " failed";
    }

    /** The step's candidates in {@code state}: of its kind, and in a partition of the step of its bucket only. */
    private long count(String state) {
        var context = step.getExecutionContext();
        if (context.containsKey(org.accountpurge.candidate.CandidateBuckets.PARTITIONS)) {
            Long n = new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(jdbc).queryForObject(
                    "SELECT count(*) FROM purge.candidate WHERE run_id = :run AND kind = :kind AND state = :state AND "
                            + org.accountpurge.candidate.CandidateBuckets.SQL, Map.of("run",
                            step.getJobExecution().getJobInstance().getInstanceId(), "kind", kind.code(), "state",
                            state, "partition", context.getInt(org.accountpurge.candidate.CandidateBuckets.PARTITION),
                            "partitions", context.getInt(org.accountpurge.candidate.CandidateBuckets.PARTITIONS)),
                    Long.class);
            return n == null ? 0 : n;
        }
        Long n = jdbc.queryForObject("SELECT count(*) FROM purge.candidate WHERE run_id = ? AND kind = ? AND state = ?",
                Long.class, step.getJobExecution().getJobInstance().getInstanceId(), kind.code(), state);
        return n == null ? 0 : n;
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m " + seconds % 60 + "s";
        }
        return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
    }
}
