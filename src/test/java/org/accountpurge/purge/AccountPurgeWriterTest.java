package org.accountpurge.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.accountpurge.audit.StepLog;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.Candidate;
import org.accountpurge.candidate.CandidateStore;
import org.accountpurge.retention.RetentionCheck;
import org.accountpurge.store.AccountStore;
import org.accountpurge.store.Savepoints;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.test.MetaDataInstanceFactory;

/**
 * The writer's contract with the stores, with fake stores behind {@link AccountStore} (no server): the order of
 * removal (database rows, then the login identity, then the rest, before the commit), the dry run, the purge-time retention check, retries of transient errors, accounts a store
 * refuses for good (FAILED, their rows kept, the others purged), the failure limit, and what a failing store leaves
 * in the log.
 */
class AccountPurgeWriterTest {

    final List<String> journal = java.util.Collections.synchronizedList(new ArrayList<>());
    final RecordingLog log = new RecordingLog(journal);
    final RecordingCandidates candidates = new RecordingCandidates(journal);
    FaultPolicy policy = new FaultPolicy(3, Duration.ZERO, 50, null);

    /** What the rows' deletion did, written to the step log in the chunk's transaction while the other stores work. */
    static final String ROWS_LOGGED = "log in-transaction postgres target";

    /** The journal without the first {@code entry}, which comes at no fixed point among the other stores' entries. */
    List<String> withoutFirst(String entry) {
        List<String> rest = new ArrayList<>(journal);
        rest.remove(entry);
        return rest;
    }

    @Test
    void removesTheRowsThenTheLoginIdentityThenTheRestAndMarksTheAccountsDone() {
        // given the three stores, handed over in no particular order
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), new FakeStore("elasticsearch",
                AccountStore.Phase.AFTER_LOGIN_IDENTITY, journal, false), new FakeStore("keycloak",
                AccountStore.Phase.LOGIN_IDENTITY, journal, true), new FakeStore("postgres",
                AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false));

        // when a chunk of two accounts is written
        writer.write(chunk("a", "b"));

        // then the external stores are logged as started; the rows go in the transaction, then the Keycloak users
        // (one call each, no separate lock-out), then the documents — all before the candidates are marked
        assertThat(withoutFirst(ROWS_LOGGED)).containsExactly("log started keycloak [a, b]",
                "log started elasticsearch [a, b]", "mark", "mark", "postgres remove [a, b]",
                "keycloak remove [a, b]", "log committed keycloak realm", "elasticsearch remove [a, b]",
                "log committed elasticsearch target", "markDone [a, b]");
        // and what the rows' deletion did went to the step log (in the transaction) while the other stores worked
        assertThat(journal).containsSubsequence("postgres remove [a, b]", ROWS_LOGGED, "markDone [a, b]");
    }

    @Test
    void aUserTheStoreRemovedIsRecordedAtOnceAndAnAbsentAfterAnUnansweredAttemptIsNotedSo() {
        // given Keycloak deletes a (telling so at once) and finds b absent, and b's earlier attempt in this run went
        // unanswered (a timeout, or a process killed before the outcome was recorded)
        log.unanswered = Set.of("b");
        FakeStore keycloak = new FakeStore("keycloak", AccountStore.Phase.LOGIN_IDENTITY, journal, true) {
            @Override
            public StoreOutcomes remove(List<String> ids, AccountStore.Removed removed) {
                removed.removed("a", TargetOutcome.deleted(1));
                removed.removed("b", TargetOutcome.absent());
                journal.add("keycloak returns");
                return StoreOutcomes.of("realm", Map.of("a", TargetOutcome.deleted(1), "b", TargetOutcome.absent()));
            }
        };
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), keycloak, new FakeStore("postgres",
                AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false));

        // when a chunk of a and b is written
        writer.write(chunk("a", "b"));

        // then each outcome was committed as the store told it, before its call returned, and only once
        assertThat(journal).containsSubsequence("log committed keycloak realm", "log committed keycloak realm",
                "keycloak returns", "markDone [a, b]");
        assertThat(journal.stream().filter("log committed keycloak realm"::equals)).hasSize(2);
        // and a's deletion is a deletion, b's absence is noted as following an attempt whose answer never came
        assertThat(log.committed).containsEntry("keycloak/realm/a", TargetOutcome.deleted(1))
                .containsEntry("keycloak/realm/b", TargetOutcome.absent().afterUnansweredAttempt());
        assertThat(log.committed.get("keycloak/realm/b").errorClass())
                .isEqualTo(TargetOutcome.AFTER_UNANSWERED_ATTEMPT);
    }

    @Test
    void anAccountAStoreWouldRefuseIsFailedBeforeAnythingOfTheChunkIsRemovedAndNothingOfItGoes() {
        // given Elasticsearch would refuse b (a document shared with another account), asked before anything goes
        FakeStore elasticsearch = new FakeStore("elasticsearch", AccountStore.Phase.AFTER_LOGIN_IDENTITY, journal, false) {
            @Override
            public StoreOutcomes refusals(List<String> ids) {
                journal.add("elasticsearch refusals " + ids);
                return StoreOutcomes.of("notes", Map.of("b", TargetOutcome.failed("shared_document")));
            }
        };
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), elasticsearch, new FakeStore("keycloak",
                AccountStore.Phase.LOGIN_IDENTITY, journal, true), new FakeStore("postgres",
                AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false));

        // when a chunk of a and b is written
        writer.write(chunk("a", "b"));

        // then b's refusal is in the step log before anything started, and no store is ever asked to remove b
        assertThat(journal).containsSubsequence("elasticsearch refusals [a, b]", "log committed elasticsearch notes",
                "log started keycloak [a]", "postgres remove [a]", "keycloak remove [a]", "elasticsearch remove [a]",
                "markDone [a]", "fail [b]");
        assertThat(journal).noneMatch(entry -> entry.contains("remove") && entry.contains("b"));
        assertThat(log.committed).containsEntry("elasticsearch/notes/b", TargetOutcome.failed("shared_document"));
    }

    @Test
    void theRowsOutcomesAreLoggedWhileKeycloakDeletes() {
        // given Keycloak waits (up to 10 s) for the rows' outcomes to be in the step log, and the step log waits (up
        // to 10 s) for Keycloak to have started
        java.util.concurrent.CountDownLatch keycloakStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch rowsLogged = new java.util.concurrent.CountDownLatch(1);
        boolean[] overlapped = new boolean[2];
        log.beforeInTransaction = () -> {
            overlapped[0] = await(keycloakStarted);
            rowsLogged.countDown();
        };
        FakeStore keycloak = new FakeStore("keycloak", AccountStore.Phase.LOGIN_IDENTITY, journal, true) {
            @Override
            public StoreOutcomes remove(List<String> ids, AccountStore.Removed removed) {
                keycloakStarted.countDown();
                overlapped[1] = await(rowsLogged);
                return super.remove(ids, removed);
            }
        };
        AccountPurgeWriter writer = writer(false, ids -> Map.of(),
                new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false), keycloak);

        // when a chunk is written
        writer.write(chunk("a", "b"));

        // then both happened at once, and the accounts are done
        assertThat(overlapped).as("step log written while Keycloak worked, and the other way round")
                .containsExactly(true, true);
        assertThat(journal).containsSubsequence("postgres remove [a, b]", ROWS_LOGGED, "markDone [a, b]")
                .contains("keycloak remove [a, b]");
    }

    @Test
    void aDeadlockTheDatabaseMakesTheChunkLoseIsRedoneFromItsSavepoint() {
        // given the database makes the chunk's deletion lose a deadlock twice (partitions working at once), then not
        int[] deadlocks = {2};
        FakeStore postgres = new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false) {
            @Override
            public StoreOutcomes remove(List<String> ids) {
                if (deadlocks[0]-- > 0) {
                    journal.add("postgres deadlock " + ids);
                    throw new StoreException("postgres", "database statement failed: PSQLException 40P01", null,
                            "PSQLException 40P01");
                }
                return super.remove(ids);
            }
        };
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), postgres);

        // when a chunk of a and b is written
        writer.write(chunk("a", "b"));

        // then each lost try was rolled back to the savepoint and tried again; both accounts are done, none failed
        assertThat(journal).containsSubsequence("mark", "postgres deadlock [a, b]", "rollback",
                "postgres deadlock [a, b]", "rollback", "postgres remove [a, b]", "markDone [a, b]");
        assertThat(journal).noneMatch(line -> line.startsWith("fail"));
    }

    @Test
    void aDeadlockLostAgainAndAgainFailsTheChunkRestartably() {
        // given the database makes the chunk lose a deadlock every time
        FakeStore postgres = new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false) {
            @Override
            public StoreOutcomes remove(List<String> ids) {
                throw new StoreException("postgres", "database statement failed: PSQLException 40P01", null,
                        "PSQLException 40P01");
            }
        };
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), postgres);

        // then after the tries the chunk fails as a transient database failure (the run is restartable)
        assertThatThrownBy(() -> writer.write(chunk("a", "b"))).isInstanceOf(PurgeFailedException.class)
                .hasMessageContaining("postgres failed on * for 2 account(s): PSQLException 40P01");
        assertThat(journal.stream().filter("rollback"::equals).count())
                .isEqualTo(DatabasePhase.LOCK_CONFLICT_ATTEMPTS - 1L);
    }

    @Test
    void theDatabaseGoingAwayWhileTheRowsOutcomesAreLoggedFailsTheChunkNamingTheDatabase() {
        // given the chunk's connection is cut while the rows' outcomes are written to the step log (Keycloak working)
        log.beforeInTransaction = () -> {
            throw new org.springframework.dao.DataAccessResourceFailureException("ConnectionCallback",
                    new java.sql.SQLException("An I/O error occurred while sending to the backend.", "08006"));
        };
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), new FakeStore("postgres",
                AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false), new FakeStore("keycloak",
                AccountStore.Phase.LOGIN_IDENTITY, journal, true));

        // when a chunk of two accounts is written, then it fails as a database failure for both, which the summary
        // prints as such (not as an unexplained error of the step log)
        assertThatThrownBy(() -> writer.write(chunk("a", "b"))).isInstanceOf(PurgeFailedException.class)
                .hasMessageContaining("postgres failed on * for 2 account(s): SQLException 08006");
        // and Keycloak's deletions, done meanwhile, are in the step log; nothing is marked done
        assertThat(log.committed).containsKeys("keycloak/realm/a", "keycloak/realm/b");
        assertThat(journal).doesNotContain("markDone [a, b]");
    }

    private static boolean await(java.util.concurrent.CountDownLatch latch) {
        try {
            return latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void documentsGoAsSoonAsTheirLoginIdentityIsGoneWhileKeycloakWorksOnTheRestAndNeverBefore() throws Exception {
        // given Keycloak tells of each user as it is deleted, refuses c for good, and after its fourth user waits
        // (up to 10 s) for Elasticsearch to have started
        java.util.Set<String> keycloakGone = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch elasticsearchStarted = new java.util.concurrent.CountDownLatch(1);
        List<List<String>> elasticsearchCalls = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> documentsBeforeLoginIdentity = java.util.Collections.synchronizedList(new ArrayList<>());
        boolean[] overlapped = new boolean[1];
        FakeStore keycloak = new FakeStore("keycloak", AccountStore.Phase.LOGIN_IDENTITY, journal, true) {
            @Override
            public StoreOutcomes remove(List<String> ids, AccountStore.Removed removed) {
                Map<String, TargetOutcome> done = new LinkedHashMap<>();
                for (String id : ids) {
                    if (id.equals("c")) {
                        done.put(id, TargetOutcome.failed("HTTP 403"));
                        continue;
                    }
                    keycloakGone.add(id);
                    done.put(id, TargetOutcome.deleted(1));
                    removed.removed(id, TargetOutcome.deleted(1));
                    if (done.size() == 4) {
                        try {
                            overlapped[0] = elasticsearchStarted.await(10, java.util.concurrent.TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
                return StoreOutcomes.of("realm", done);
            }
        };
        FakeStore elasticsearch = new FakeStore("elasticsearch", AccountStore.Phase.AFTER_LOGIN_IDENTITY, journal, false) {
            @Override
            public StoreOutcomes remove(List<String> ids) {
                ids.stream().filter(id -> !keycloakGone.contains(id)).forEach(documentsBeforeLoginIdentity::add);
                elasticsearchCalls.add(ids);
                elasticsearchStarted.countDown();
                return StoreOutcomes.of("target", outcomes(ids, TargetOutcome.deleted(1)));
            }
        };
        AccountPurgeWriter writer = writer(false, ids -> Map.of(),
                new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false), keycloak,
                elasticsearch);

        // when a chunk of eight accounts is written
        writer.write(chunk("a", "b", "c", "d", "e", "f", "g", "h"));

        // then Elasticsearch started while Keycloak was still deleting, in batches, each account only once its
        // Keycloak user was gone; c's documents were never touched
        assertThat(overlapped[0]).as("Elasticsearch started before Keycloak returned").isTrue();
        assertThat(documentsBeforeLoginIdentity).isEmpty();
        assertThat(elasticsearchCalls).hasSizeGreaterThan(1);
        assertThat(elasticsearchCalls.stream().flatMap(List::stream).sorted().toList())
                .containsExactly("a", "b", "d", "e", "f", "g", "h");
        // and c's rows were put back, the others' removed again and marked done, c failed
        assertThat(journal.subList(journal.indexOf("rollback"), journal.size())).containsExactly("rollback", "mark",
                "postgres remove [a, b, d, e, f, g, h]", "log in-transaction postgres target",
                "markDone [a, b, d, e, f, g, h]", "fail [c]");
    }

    @Test
    void aDryRunRemovesNothingRecordsWhatEachStoreWouldDoAndMarksWhatNoStoreHoldsNotFound() {
        // given the database holds 3 rows of a, Keycloak holds b, the index a document of a, and nobody holds c
        // (issue 24: a dry run counted c as "would be purged", the real run then found nothing of it)
        FakeStore postgres = new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false) {
            @Override
            public StoreOutcomes verify(List<String> ids) {
                journal.add("postgres verify " + ids);
                return StoreOutcomes.of("target", outcomes(ids, TargetOutcome.absent()))
                        .put("target", Map.of("a", TargetOutcome.present(3)));
            }
        };
        FakeStore keycloak = new FakeStore("keycloak", AccountStore.Phase.LOGIN_IDENTITY, journal, true) {
            @Override
            public StoreOutcomes verify(List<String> ids) {
                journal.add("keycloak verify " + ids);
                return StoreOutcomes.of("realm", Map.of("b", TargetOutcome.present(1)));
            }

            @Override
            public boolean previewsEveryAccount() {
                return false;
            }
        };
        FakeStore elasticsearch = new FakeStore("elasticsearch", AccountStore.Phase.AFTER_LOGIN_IDENTITY, journal,
                false) {
            @Override
            public StoreOutcomes verify(List<String> ids) {
                journal.add("elasticsearch verify " + ids);
                return StoreOutcomes.of("index", Map.of("a", TargetOutcome.present(1)));
            }
        };
        AccountPurgeWriter writer = writer(true, ids -> Map.of(), elasticsearch, keycloak, postgres);

        // when a chunk of a, b and c is written in a dry run
        writer.write(chunk("a", "b", "c"));

        // then nothing was removed and no savepoint taken; the database and the index were asked about every account,
        // Keycloak (one call per user) only about what the database had nothing of; what each would do is in the step
        // log as what a real run would do; and c alone is marked NOT_FOUND
        assertThat(journal).containsExactly("postgres verify [a, b, c]", "log would postgres target a DELETED 3",
                "keycloak verify [b, c]", "log would keycloak realm b DELETED 1", "elasticsearch verify [a, b, c]",
                "log would elasticsearch index a DELETED 1", "mark NOT_FOUND [c]");
    }

    @Test
    void accountsRetainedSinceTheRetainStepAreRecordedAndNeverReachAStore() {
        // given account b became a content creator after the retain step
        AccountPurgeWriter writer = writer(false, ids -> ids.contains("b") ? Map.of("b", Set.of("content-creator")) : Map.of(),
                new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false));

        writer.write(chunk("a", "b"));

        assertThat(journal).containsExactly("retain {b=[content-creator]}", "mark", "mark", "postgres remove [a]",
                "log in-transaction postgres target", "markDone [a]");
    }

    @Test
    void anAccountKeycloakRefusesAfterItsRowsWentKeepsItsRowsAndIsFailedWhileTheOthersArePurged() {
        // given Keycloak refuses for good to delete account b (its rows are already deleted in the transaction)
        FakeStore keycloak = new FakeStore("keycloak", AccountStore.Phase.LOGIN_IDENTITY, journal, true);
        keycloak.failRemoveFor = "b";
        AccountPurgeWriter writer = writer(false, ids -> Map.of(),
                new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false), keycloak,
                new FakeStore("elasticsearch", AccountStore.Phase.AFTER_LOGIN_IDENTITY, journal, false));

        // when the chunk is written
        writer.write(chunk("a", "b"));

        // then only a's documents go, the transaction goes back to before the database work, which is redone for a
        // only: nothing of b is removed anywhere
        List<String> stores = withoutFirst(ROWS_LOGGED); // the first deletion's log, written while Keycloak worked
        assertThat(stores.subList(stores.indexOf("keycloak remove [a, b]"), stores.size())).containsExactly(
                "keycloak remove [a, b]", "log committed keycloak realm", "elasticsearch remove [a]",
                "log committed elasticsearch target", "rollback", "mark", "postgres remove [a]",
                ROWS_LOGGED, "markDone [a]", "fail [b]");
        assertThat(journal).containsSubsequence("postgres remove [a, b]", ROWS_LOGGED, "rollback");
        // and Keycloak's outcomes (a deleted, b refused) were committed
        assertThat(log.committed).containsEntry("keycloak/realm/b", TargetOutcome.failed("HTTP 403"))
                .containsEntry("keycloak/realm/a", TargetOutcome.deleted(1));
    }

    @Test
    void aDocumentSharedOnlyOnceKeycloakDeletedTheUserKeepsTheRowsAndFailsTheAccountWithItsKeycloakUserRecordedGone() {
        // given Elasticsearch refuses b at deletion time (a document that became shared after the search before the
        // chunk), and asked beforehand it refused nobody (README: "Should a shared document appear in the seconds
        // between that search and the deletion …")
        FakeStore elasticsearch = new FakeStore("elasticsearch", AccountStore.Phase.AFTER_LOGIN_IDENTITY, journal, false);
        elasticsearch.failRemoveFor = "b";
        AccountPurgeWriter writer = writer(false, ids -> Map.of(),
                new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false),
                new FakeStore("keycloak", AccountStore.Phase.LOGIN_IDENTITY, journal, true), elasticsearch);

        // when the chunk is written
        writer.write(chunk("a", "b"));

        // then b's rows are put back (a's redone), b is FAILED, and the step log says its Keycloak user went
        assertThat(journal).containsSubsequence("keycloak remove [a, b]", "elasticsearch remove [a, b]", "rollback",
                "postgres remove [a]", "markDone [a]", "fail [b]");
        assertThat(log.committed).containsEntry("keycloak/realm/b", TargetOutcome.deleted(1))
                .containsEntry("elasticsearch/target/b", TargetOutcome.failed("HTTP 403"));
    }

    @Test
    void aDatabaseErrorForOneAccountsRowsIsNarrowedDownToItAndTheOthersGoOn() {
        // given the database refuses any statement that touches b's rows
        FakeStore postgres = new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false) {
            @Override
            public StoreOutcomes remove(List<String> ids) {
                journal.add("postgres remove " + ids);
                if (ids.contains("b")) {
                    throw new StoreException("postgres", "statement failed", null, "PSQLException 23503");
                }
                return StoreOutcomes.of("target", outcomes(ids, TargetOutcome.deleted(1)));
            }
        };
        FakeStore keycloak = new FakeStore("keycloak", AccountStore.Phase.LOGIN_IDENTITY, journal, true);
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), postgres, keycloak);

        writer.write(chunk("a", "b", "c"));

        // then each account is tried alone between savepoints; b fails, a and c are purged everywhere
        assertThat(journal).containsSubsequence("postgres remove [a, b, c]", "rollback", "postgres remove [a]",
                "postgres remove [b]", "rollback", "postgres remove [c]", "keycloak remove [a, c]", "markDone [a, c]",
                "fail [b]");
        assertThat(log.committed).containsEntry("postgres/*/b", TargetOutcome.failed("PSQLException 23503"));
    }

    @Test
    void aTransientFailureIsRetriedForTheAccountsItConcerns() {
        // given Keycloak times out on b's delete once
        FakeStore keycloak = new FakeStore("keycloak", AccountStore.Phase.LOGIN_IDENTITY, journal, true) {
            int calls;

            @Override
            public StoreOutcomes remove(List<String> ids) {
                journal.add("keycloak remove " + ids);
                Map<String, TargetOutcome> done = outcomes(ids, TargetOutcome.deleted(1));
                if (calls++ == 0) {
                    done.put("b", TargetOutcome.failed("timeout"));
                }
                return StoreOutcomes.of("realm", done);
            }
        };
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), keycloak);

        writer.write(chunk("a", "b"));

        assertThat(journal).containsSubsequence("keycloak remove [a, b]", "keycloak remove [b]", "markDone [a, b]");
        assertThat(journal).doesNotContain("fail [b]");
    }

    @Test
    void moreFailedAccountsThanTheLimitFailTheChunk() {
        policy = new FaultPolicy(3, Duration.ZERO, 0, null);
        FakeStore keycloak = new FakeStore("keycloak", AccountStore.Phase.LOGIN_IDENTITY, journal, true);
        keycloak.failRemoveFor = "b";
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), keycloak);

        assertThatThrownBy(() -> writer.write(chunk("a", "b"))).isInstanceOf(PurgeFailedException.class)
                .hasMessageContaining("1 accounts failed, more than purge.job.max-failed-accounts 0");
    }

    @Test
    void aStoreThatFailsAsAWholeIsLoggedFailedOnItsTargetWithWhatItHadDoneAndLaterStoresAreNotCalled() {
        // given Elasticsearch deletes from its first index, then stops answering on the second
        FakeStore elasticsearch = new FakeStore("elasticsearch", AccountStore.Phase.AFTER_LOGIN_IDENTITY, journal, false) {
            @Override
            public StoreOutcomes remove(List<String> ids) {
                StoreOutcomes done = StoreOutcomes.of("user", outcomes(ids, TargetOutcome.deleted(1)));
                throw new StoreException("elasticsearch", "bulk delete failed", null, "timeout").at("usernotes", done);
            }
        };
        FakeStore postgres = new FakeStore("postgres", AccountStore.Phase.IN_DATABASE_TRANSACTION, journal, false);
        FakeStore later = new FakeStore("search-archive", AccountStore.Phase.AFTER_LOGIN_IDENTITY, journal, false);
        AccountPurgeWriter writer = writer(false, ids -> Map.of(), elasticsearch, postgres, later);

        // when the chunk is written, Elasticsearch is tried three times (timeouts are retried), then the chunk fails
        // (its database work rolls back with the chunk's transaction)
        assertThatThrownBy(() -> writer.write(chunk("a"))).isInstanceOf(PurgeFailedException.class)
                .hasMessageContaining("elasticsearch failed on usernotes for 1 account(s): timeout after 3 attempts");

        assertThat(log.committed).containsEntry("elasticsearch/user/a", TargetOutcome.deleted(1))
                .containsEntry("elasticsearch/usernotes/a", TargetOutcome.failed("timeout"));
        assertThat(journal).doesNotContain("search-archive remove [a]").doesNotContain("markDone [a]");
    }

    private AccountPurgeWriter writer(boolean dryRun, RetentionCheck retention, AccountStore... stores) {
        Savepoints savepoints = new Savepoints() {
            @Override
            public Mark mark() {
                journal.add("mark");
                return new Mark() {
                };
            }

            @Override
            public void rollbackTo(Mark mark) {
                journal.add("rollback");
            }
        };
        AccountPurgeWriter writer = new AccountPurgeWriter(AccountKind.USER,
                parameters -> new AccountPurgeWriter.Setup(retention, List.of(stores)), candidates, log, savepoints,
                policy);
        writer.beforeStep(MetaDataInstanceFactory.createStepExecution(new JobParametersBuilder()
                .addString("dry.run", String.valueOf(dryRun)).toJobParameters()));
        return writer;
    }

    private static Chunk<Candidate> chunk(String... ids) {
        Chunk<Candidate> chunk = new Chunk<>();
        for (String id : ids) {
            chunk.add(new Candidate(AccountKind.USER, id));
        }
        return chunk;
    }

    static Map<String, TargetOutcome> outcomes(List<String> ids, TargetOutcome outcome) {
        Map<String, TargetOutcome> m = new LinkedHashMap<>();
        ids.forEach(id -> m.put(id, outcome));
        return m;
    }

    /** A store that records its calls; {@code realm} stores answer on target "realm". */
    static class FakeStore implements AccountStore {
        final String name;
        final Phase phase;
        final List<String> journal;
        final boolean locks;
        String failRemoveFor;

        FakeStore(String name, Phase phase, List<String> journal, boolean locks) {
            this.name = name;
            this.phase = phase;
            this.journal = journal;
            this.locks = locks;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Phase phase() {
            return phase;
        }

        @Override
        public String target() {
            return locks ? "realm" : "*";
        }

        @Override
        public StoreOutcomes remove(List<String> ids) {
            journal.add(name + " remove " + ids);
            Map<String, TargetOutcome> done = outcomes(ids, TargetOutcome.deleted(1));
            if (failRemoveFor != null && done.containsKey(failRemoveFor)) {
                done.put(failRemoveFor, TargetOutcome.failed("HTTP 403"));
            }
            return StoreOutcomes.of(locks ? "realm" : "target", done);
        }

        @Override
        public StoreOutcomes verify(List<String> ids) {
            return StoreOutcomes.none();
        }
    }

    /** The step log, in memory. */
    static class RecordingLog extends StepLog {
        final List<String> journal;
        final Map<String, TargetOutcome> committed = new LinkedHashMap<>();

        RecordingLog(List<String> journal) {
            super(null, null, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            this.journal = journal;
        }

        @Override
        public void started(Context ctx, String store, List<String> accountIds) {
            journal.add("log started " + store + " " + accountIds);
        }

        @Override
        public void committed(Context ctx, String store, StoreOutcomes outcomes) {
            outcomes.byTarget().forEach((target, perAccount) -> {
                journal.add("log committed " + store + " " + target);
                perAccount.forEach((id, o) -> committed.put(store + "/" + target + "/" + id, o));
            });
        }

        @Override
        public void previewed(Context ctx, String store, StoreOutcomes outcomes) {
            outcomes.byTarget().forEach((target, perAccount) -> perAccount.forEach((id, o) -> {
                if (o.count() > 0) {
                    journal.add("log would " + store + " " + target + " " + id + " " + o.action() + " " + o.count());
                }
            }));
        }

        /** Runs before the database's outcomes are recorded. */
        Runnable beforeInTransaction = () -> { };

        @Override
        public void inTransaction(Context ctx, String store, StoreOutcomes outcomes) {
            beforeInTransaction.run();
            outcomes.byTarget().keySet().forEach(target -> journal.add("log in-transaction " + store + " " + target));
        }

        /** What {@link #unanswered} answers: accounts an earlier attempt called a store for without an answer. */
        Set<String> unanswered = Set.of();

        @Override
        public Set<String> unanswered(Context ctx, String store, List<String> accountIds) {
            journal.add("log unanswered? " + store + " " + accountIds);
            return unanswered;
        }

        @Override
        public void failed(Context ctx, String store, String target, List<String> accountIds, String errorClass) {
            accountIds.forEach(id -> committed.put(store + "/" + target + "/" + id, TargetOutcome.failed(errorClass)));
        }
    }

    /** The candidate table, in memory. */
    static class RecordingCandidates extends CandidateStore {
        final List<String> journal;

        RecordingCandidates(List<String> journal) {
            super(null);
            this.journal = journal;
        }

        @Override
        public void retain(long runId, AccountKind kind, Map<String, ? extends Set<String>> reasons) {
            journal.add("retain " + reasons);
        }

        @Override
        public int markDone(long runId, AccountKind kind, List<String> accountIds) {
            journal.add("markDone " + accountIds);
            return 0;
        }

        @Override
        public void mark(long runId, AccountKind kind, List<String> accountIds, String state) {
            journal.add("mark " + state + " " + accountIds);
        }

        @Override
        public void fail(long runId, AccountKind kind, List<String> accountIds) {
            journal.add("fail " + accountIds);
            failed += accountIds.size();
        }

        long failed;

        @Override
        public long count(long runId, AccountKind kind, String state) {
            return state == null ? 10 : failed;
        }
    }
}
