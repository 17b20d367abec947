package org.accountpurge.store.postgres;

/**
 * Who takes over a group whose last admin leaves ({@code purge.promotions}).
 *
 * @param name       the step log's target of the promotions, and the rule's name in the configuration
 * @param groupsSql  one statement selecting (account id, group id) for the accounts of {@code :ids} that are a
 *                   group's last admin (no admin left outside {@code :ids})
 * @param promoteSql one statement, run per such group with {@code :group_id} and {@code :ids}, that makes another
 *                   member its admin and returns that member's id; no row: the group has nobody to take it over
 */
public record PromotionRule(String name, String groupsSql, String promoteSql) {
}
