package org.accountpurge.candidate;

import org.accountpurge.account.AccountKind;
/** An accepted account of a run: its kind and its normalised id. */
public record Candidate(AccountKind kind, String accountId) {
}
