package org.accountpurge.retention;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.accountpurge.config.PurgeProperties;
import org.accountpurge.store.keycloak.KeycloakAccounts;
import org.accountpurge.store.postgres.PostgresAccounts;

/**
 * Every reason to keep each account of a chunk: protect edges of the delete plan ({@code fk:table.column}) and the
 * configured retention rules (their names). Keycloak role and group members are read once per evaluator (one per
 * step).
 */
public final class RetentionEvaluator implements RetentionCheck {

    private final List<PurgeProperties.RetentionRule> rules;
    private final PostgresAccounts postgres;
    private final KeycloakAccounts keycloak;
    private final Map<String, Set<String>> keycloakMembers = new HashMap<>();

    /**
     * @param keycloak null when the rules name no Keycloak role or group (the configuration only allows those rules
     *                 for users, with a purge.keycloak section)
     */
    public RetentionEvaluator(List<PurgeProperties.RetentionRule> rules, PostgresAccounts postgres,
                              KeycloakAccounts keycloak) {
        this.rules = List.copyOf(rules);
        this.postgres = postgres;
        this.keycloak = keycloak;
    }

    /** Reasons per retained account id; accounts without a reason are absent from the map. */
    @Override
    public Map<String, Set<String>> reasons(List<String> accountIds) {
        Map<String, Set<String>> reasons = new TreeMap<>();
        postgres.protectedAccounts(accountIds).forEach((id, rs) -> reasons.computeIfAbsent(id, k -> new TreeSet<>()).addAll(rs));
        for (PurgeProperties.RetentionRule rule : rules) {
            Set<String> matches;
            if (rule.sql() != null) {
                matches = postgres.ruleMatches(rule.sql(), accountIds);
            } else {
                Set<String> members = keycloakMembers.computeIfAbsent(rule.name(), n -> rule.keycloakRole() != null
                        ? keycloak.lookups().roleMembers(rule.keycloakRole())
                        : keycloak.lookups().groupMembers(rule.keycloakGroup()));
                matches = keycloak.lookups().holdersAmong(members, accountIds);
            }
            for (String id : accountIds) {
                if (matches.contains(id)) {
                    reasons.computeIfAbsent(id, k -> new TreeSet<>()).add(rule.name());
                }
            }
        }
        return reasons;
    }
}
