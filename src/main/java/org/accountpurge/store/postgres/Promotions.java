package org.accountpurge.store.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.store.StoreException;
import org.accountpurge.store.StoreOutcomes;
import org.accountpurge.store.TargetOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * The last-admin guard: before an account's rows go, each group it is the last admin of is handed to another member
 * ({@link PromotionRule}), in the chunk's transaction. A group nobody can take over refuses the account: it is FAILED
 * {@link #NO_MEMBER}, and nothing of it is removed.
 */
final class Promotions {

    /** The step log's error of an account that is the last admin of a group without another member. */
    static final String NO_MEMBER = "no_member_to_promote";

    private static final Logger log = LoggerFactory.getLogger(Promotions.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final List<PromotionRule> rules;
    private final String idCast;

    Promotions(JdbcTemplate jdbc, List<PromotionRule> rules, String idType) {
        this.jdbc = new NamedParameterJdbcTemplate(jdbc);
        this.rules = List.copyOf(rules);
        this.idCast = ForeignKeyCatalog.castType(idType);
    }

    /**
     * Promotes a member of every group the accounts are the last admin of; per rule and account, PROMOTED with the
     * number of groups handed over (absent: none), and each group with its new admin as a handover.
     *
     * @throws StoreException {@link #NO_MEMBER} when a group has nobody to take it over
     */
    StoreOutcomes promote(List<String> ids) {
        StoreOutcomes outcomes = StoreOutcomes.none();
        for (PromotionRule rule : rules) {
            Map<String, List<String>> leavingByGroup = new LinkedHashMap<>();
            groups(rule, ids).forEach(pair -> leavingByGroup.computeIfAbsent(pair[1], g -> new ArrayList<>())
                    .add(pair[0]));
            Map<String, TargetOutcome> perAccount = new LinkedHashMap<>();
            ids.forEach(id -> perAccount.put(id, TargetOutcome.absent()));
            leavingByGroup.forEach((group, leaving) -> {
                List<String> promoted = query(rule.promoteSql(), ids, group);
                if (promoted.isEmpty()) {
                    throw new StoreException(PostgresAccounts.STORE, "promotion " + rule.name() + ": group " + group
                            + " has no member to take it over from " + leaving, null, NO_MEMBER);
                }
                log.info("Promotion {}: group {} handed to {} (its last admin(s) {} leave)", rule.name(), group,
                        promoted, leaving);
                leaving.forEach(id -> {
                    perAccount.merge(id, TargetOutcome.promoted(1), TargetOutcome::plus);
                    promoted.forEach(admin -> outcomes.handedOver(new org.accountpurge.store.Handover(id, rule.name(),
                            group, admin, 1)));
                });
            });
            outcomes.put(rule.name(), perAccount);
        }
        return outcomes;
    }

    /** Per rule and account, the groups it is still the last admin of (PRESENT with their number). */
    StoreOutcomes residue(List<String> ids) {
        StoreOutcomes outcomes = StoreOutcomes.none();
        for (PromotionRule rule : rules) {
            Map<String, TargetOutcome> perAccount = new LinkedHashMap<>();
            ids.forEach(id -> perAccount.put(id, TargetOutcome.absent()));
            groups(rule, ids).forEach(pair -> perAccount.merge(pair[0], TargetOutcome.present(1), TargetOutcome::plus));
            outcomes.put(rule.name(), perAccount);
        }
        return outcomes;
    }

    private List<String[]> groups(PromotionRule rule, List<String> ids) {
        try {
            return jdbc.query(bind(rule.groupsSql()), parameters(ids, null),
                    (rs, n) -> new String[] {rs.getString(1), rs.getString(2)});
        } catch (DataAccessException e) {
            throw failed(rule, "groups-sql", e);
        }
    }

    private List<String> query(String sql, List<String> ids, String group) {
        try {
            return jdbc.query(bind(sql), parameters(ids, group), (rs, n) -> rs.getString(1));
        } catch (DataAccessException e) {
            throw new StoreException(PostgresAccounts.STORE, "promote-sql failed for group " + group, e,
                    errorType(e));
        }
    }

    private StoreException failed(PromotionRule rule, String what, DataAccessException e) {
        return new StoreException(PostgresAccounts.STORE, "promotion " + rule.name() + ": " + what + " failed", e,
                errorType(e));
    }

    /** The error type the step log records for a database error, as for every statement of the store. */
    private static String errorType(DataAccessException e) {
        return PostgresAccounts.translate(e).errorType();
    }

    /**
     * Why a rule's statements cannot run, for the preflight: groups-sql is run for no account, promote-sql only
     * explained (it writes), both on a read-only session.
     */
    List<String> problems(ReadOnlyQueries readOnly) {
        List<String> problems = new ArrayList<>();
        for (PromotionRule rule : rules) {
            try {
                readOnly.named(bind(rule.groupsSql()), Map.of("ids", new String[0]));
            } catch (StoreException e) {
                problems.add("purge.promotions " + rule.name() + ": groups-sql does not run (" + e.errorType() + ")");
            }
            try {
                readOnly.named("EXPLAIN " + bind(rule.promoteSql()), Map.of("ids", new String[0], "group_id", ""));
            } catch (StoreException e) {
                problems.add("purge.promotions " + rule.name() + ": promote-sql does not run (" + e.errorType() + ")");
            }
        }
        return problems;
    }

    /** {@code :ids} as an array of the root id's type. */
    private String bind(String sql) {
        return sql.replace(":ids", "CAST(:ids AS text[])::" + idCast + "[]");
    }

    private static MapSqlParameterSource parameters(List<String> ids, String group) {
        return new MapSqlParameterSource("ids", new SqlArrayValue("text", ids.toArray()))
                .addValue("group_id", group, java.sql.Types.VARCHAR);
    }
}
