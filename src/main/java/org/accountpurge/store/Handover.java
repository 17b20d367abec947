package org.accountpurge.store;

/**
 * What an account handed over as it left: {@code count} rows of a reassign edge ({@code target}) now held by
 * {@code successor}, or ({@code item}) a group a promotion ({@code target}) gave {@code successor} as its new admin.
 *
 * @param item the group handed over; null for a reassign edge
 */
public record Handover(String accountId, String target, String item, String successor, long count) {
}
