package org.accountpurge.purge;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.accountpurge.config.JobSection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * The run's time window ({@code purge.job.window}) on a chunk step: once it has closed, the step is asked to stop
 * after the chunk in progress (Spring Batch's terminate-only flag), so the execution ends STOPPED with every chunk
 * whole, and a restart goes on from there. A step that starts after the window closed stops before its first chunk.
 */
public final class RunWindow implements StepExecutionListener, ChunkListener<Object, Object> {

    /** The exit description of a step (and so of its execution) that the window stopped. */
    public static final String CLOSED = "its window closed";

    private static final Logger log = LoggerFactory.getLogger(RunWindow.class);

    private final JobSection.Window window;
    private final Clock clock;
    private StepExecution step;
    private Instant closes;

    public RunWindow(JobSection.Window window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        step = stepExecution;
        java.time.LocalDateTime started = stepExecution.getJobExecution().getStartTime();
        closes = window.closesAfter(started == null ? clock.instant()
                : started.atZone(ZoneId.systemDefault()).toInstant());
        checkClosed();
    }

    @Override
    public void afterChunk(Chunk<Object> chunk) {
        checkClosed();
    }

    /** Whether the window had closed when last checked (the step then stops). */
    public boolean isClosed() {
        return closes != null && !clock.instant().isBefore(closes);
    }

    private void checkClosed() {
        if (isClosed() && !step.isTerminateOnly()) {
            log.warn("The run's window closed at {} {} ({}): {} stops after this chunk; restart it to go on",
                    window.closesAt(), window.zone(), closes, step.getStepName());
            step.setTerminateOnly();
        }
    }
}
