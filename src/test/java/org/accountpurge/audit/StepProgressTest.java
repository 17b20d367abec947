package org.accountpurge.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

/** The progress bar of a purge step, as a terminal of 80 columns shows it. */
class StepProgressTest {

    @Test
    void onEightyColumnsTheBarKeepsItsBarAndEveryFigure() {
        // given a terminal of 80 columns, and a step of a million accounts with 12 failed so far, half done
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgressBar bar = StepProgress.bar("purgeUsers", 1_000_000)
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(out, true, StandardCharsets.UTF_8), 80))
                .build();
        bar.stepTo(500_000);
        bar.setExtraMessage(StepProgress.extra(12));

        // when it is drawn
        bar.close();

        // then the line fits the 80 columns with a bar of at least 10 characters (at a million accounts), and says the failures
        String[] drawn = out.toString(StandardCharsets.UTF_8).split("\r");
        String line = drawn[drawn.length - 1].strip();
        assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
        Matcher inside = Pattern.compile("\\[([=> ]*)\\]").matcher(line);
        assertThat(inside.find()).as(line).isTrue();
        assertThat(inside.group(1).length()).as(line).isGreaterThanOrEqualTo(10);
        assertThat(line).endsWith("| 12 failed").contains("500000/1000000");
    }
}
