package org.accountpurge.candidate;

/**
 * One line of the candidate CSV after the header: its line number, the kind and id as read (or normalised, once
 * screened), and why it is rejected, if it is. The rejection never quotes the line: it may hold personal data.
 */
public record InputRow(long rowNo, String kind, String accountId, String rejection) {

    public static InputRow rejected(long rowNo, String reason) {
        return new InputRow(rowNo, null, null, reason);
    }

    public boolean isRejected() {
        return rejection != null;
    }
}
