package org.accountpurge.purge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hand-over between two stores of a chunk: batches of at least the set size, each account once, the rest at close. */
class HandoffTest {

    @Test
    void handsOnInBatchesEachAccountOnceAndTheRestWhenClosed() throws Exception {
        // given a hand-over in batches of three
        Handoff handoff = new Handoff(3);

        // when two accounts are handed on, the taker waits
        handoff.add("a");
        handoff.addAll(List.of("b", "a"));
        CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(() -> take(handoff));
        Thread.sleep(200);
        assertThat(first).isNotDone();

        // then a third one releases all three, the repeat of a not counted
        handoff.add("c");
        assertThat(first.get(5, TimeUnit.SECONDS)).containsExactly("a", "b", "c");

        // and after the close, the rest comes in one batch, later accounts are dropped, then nothing
        handoff.addAll(List.of("d", "b"));
        handoff.close();
        handoff.add("e");
        assertThat(take(handoff)).containsExactly("d");
        assertThat(take(handoff)).isNull();
        assertThat(handoff.handed()).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    private static List<String> take(Handoff handoff) {
        try {
            return handoff.take();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
