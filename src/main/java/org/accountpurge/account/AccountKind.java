package org.accountpurge.account;

import java.util.Locale;

/**
 * A kind of account the purge removes: a user (has a login identity) or an organisation. Each is optional in a
 * job's configuration ({@code purge.roots.user}, {@code purge.roots.org}); the job has a retain and a purge step
 * for each configured kind, and every reader, writer and store is given its kind explicitly.
 */
public enum AccountKind {
    USER("user", "Users"),
    ORG("org", "Orgs");

    private final String code;
    private final String plural;

    AccountKind(String code, String plural) {
        this.code = code;
        this.plural = plural;
    }

    /** As written in the CSV, the configuration and the tool's tables: {@code user}, {@code org}. */
    public String code() {
        return code;
    }

    /** Suffix of the kind's step names: {@code retainUsers}, {@code purgeOrgs}. */
    public String plural() {
        return plural;
    }

    /** The kind a CSV cell or a table row names (case and surrounding blanks ignored), or null. */
    public static AccountKind parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (AccountKind kind : values()) {
            if (kind.code.equals(t)) {
                return kind;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return code;
    }
}
