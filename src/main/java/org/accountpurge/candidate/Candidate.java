package org.accountpurge.candidate;

/** An accepted account of a run: its kind ({@code user} or {@code org}) and its normalised id. */
public record Candidate(String kind, String accountId) {
}
