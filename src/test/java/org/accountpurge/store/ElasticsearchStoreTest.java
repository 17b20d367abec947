package org.accountpurge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.accountpurge.seed.SeedIndexes;
import org.accountpurge.store.elasticsearch.ElasticsearchStore;
import org.accountpurge.support.TestStack;
import org.junit.jupiter.api.Test;

/** Deletes against the real Elasticsearch: by id and by field, over more than one page, "already gone" included. */
class ElasticsearchStoreTest {

    @Test
    void deletesEveryDocumentOfTheAccountsAcrossPagesAndCountsTheMissingAsAbsent() {
        try (ElasticsearchStore es = new ElasticsearchStore(TestStack.endpoints().elasticsearchUrl(),
                Duration.ofSeconds(5), Duration.ofSeconds(60));
             SeedIndexes seed = new SeedIndexes(TestStack.endpoints().elasticsearchUrl())) {
            // given 12 000 documents of account a (more than two search pages), 3 of b, none of c
            seed.recreateIndex("test-notes", Map.of("userId", "keyword"));
            List<Map<String, Object>> docs = new ArrayList<>();
            for (int i = 0; i < 12_000; i++) {
                docs.add(Map.of("_id", "a-" + i, "userId", "a"));
            }
            for (int i = 0; i < 3; i++) {
                docs.add(Map.of("_id", "b-" + i, "userId", "b"));
            }
            docs.add(Map.of("_id", "d-0", "userId", "d"));
            seed.bulkIndex("test-notes", docs);
            seed.refresh("test-notes");

            assertThat(es.countPerAccount("test-notes", "userId", List.of("b", "c"))).containsOnly(Map.entry("b", 3L));
            assertThat(es.countPerAccount("test-notes", null, List.of("b-1", "x"))).containsOnly(Map.entry("b-1", 1L));

            // when the documents of a, b and c are deleted by field
            Map<String, TargetOutcome> byField = es.deleteByField("test-notes", "userId", List.of("a", "b", "c"));

            // then each account's count is right, c is absent, and only d's document is left
            assertThat(byField).containsEntry("a", TargetOutcome.deleted(12_000)).containsEntry("b", TargetOutcome.deleted(3))
                    .containsEntry("c", TargetOutcome.absent());
            seed.refresh("test-notes");
            assertThat(seed.count("test-notes")).isEqualTo(1);

            // and deleting by id what is already gone is success ("absent"), what is there is deleted
            Map<String, TargetOutcome> byId = es.deleteByIds("test-notes", List.of("a-1", "d-0"));
            assertThat(byId).containsEntry("a-1", TargetOutcome.absent()).containsEntry("d-0", TargetOutcome.deleted(1));
            seed.refresh("test-notes");
            assertThat(es.countPerAccount("test-notes", null, List.of("a-1", "d-0"))).isEmpty();
            assertThat(es.countPerAccount("test-notes", "userId", List.of("a", "b", "d"))).isEmpty();
        }
    }
}
