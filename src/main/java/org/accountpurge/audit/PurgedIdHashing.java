package org.accountpurge.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.accountpurge.account.AccountKind;
import org.accountpurge.candidate.CandidateSource;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * For deployments that must not keep the ids of purged accounts ({@code purge.audit.id-hash-key}): once a real run
 * has purged and verified, the ids of its PURGED and NOT_FOUND accounts are replaced by their keyed hash
 * ({@link #hash}) in the candidates, the step log, the handovers and the residue of the run, a page per transaction (a restart goes
 * on where it stopped: hashed ids are recognised by their prefix). The report that follows lists the hashes. Whoever
 * holds the key can still answer "was this account purged?" by hashing its id. Retained and FAILED accounts keep
 * their ids: they still exist, and {@code retry-failed} needs them.
 */
public final class PurgedIdHashing implements Tasklet {

    public static final String PREFIX = "hmac:";
    private static final int PAGE = 1000;

    private final JdbcTemplate jdbc;
    private final byte[] key;
    private final List<AccountKind> kinds;

    public PurgedIdHashing(JdbcTemplate jdbc, String key, List<AccountKind> kinds) {
        this.jdbc = jdbc;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.kinds = kinds;
    }

    /** {@code hmac:} + hex HMAC-SHA256(key, kind:id). */
    public static String hash(byte[] key, AccountKind kind, String accountId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal((kind.code() + ":" + accountId)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** One page of one kind per call (its own transaction); continues until no clear id is left. */
    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        if (CandidateSource.isDryRun(contribution.getStepExecution().getJobExecution().getJobParameters())) {
            return RepeatStatus.FINISHED;
        }
        long run = contribution.getStepExecution().getJobExecution().getJobInstance().getInstanceId();
        for (AccountKind kind : kinds) {
            List<String> ids = jdbc.queryForList("SELECT account_id FROM purge.candidate WHERE run_id = ? AND kind = ?"
                    + " AND state IN ('PURGED', 'NOT_FOUND') AND account_id NOT LIKE '" + PREFIX + "%' ORDER BY"
                    + " account_id LIMIT " + PAGE, String.class, run, kind.code());
            if (ids.isEmpty()) {
                continue;
            }
            List<Object[]> rows = new ArrayList<>();
            ids.forEach(id -> rows.add(new Object[] {hash(key, kind, id), run, kind.code(), id}));
            for (String table : List.of("purge.step_log", "purge.residue", "purge.handover", "purge.candidate")) {
                jdbc.batchUpdate("UPDATE " + table + " SET account_id = ? WHERE run_id = ? AND kind = ? AND"
                        + " account_id = ?", rows);
            }
            // the Keycloak ids kept of deleted users (user-match: database) belong to no run: by account
            jdbc.batchUpdate("UPDATE purge.external_id SET account_id = ? WHERE kind = ? AND account_id = ?",
                    rows.stream().map(r -> new Object[] {r[0], r[2], r[3]}).toList());
            contribution.incrementWriteCount(ids.size());
            return RepeatStatus.CONTINUABLE;
        }
        return RepeatStatus.FINISHED;
    }
}
