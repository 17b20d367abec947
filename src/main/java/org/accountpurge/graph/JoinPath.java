package org.accountpurge.graph;

import java.util.List;

/**
 * How rows of a table reach an account: the foreign keys from that table up to the root, first hop first.
 * Rows of {@code user_note_attachment} reach a user through
 * {@code [user_note_attachment.note_id -> user_notes, user_notes.user_id -> users]}.
 */
public record JoinPath(List<ForeignKey> hops) {

    public JoinPath {
        hops = List.copyOf(hops);
    }

    public String table() {
        return hops.get(0).table();
    }

    public ForeignKey last() {
        return hops.get(hops.size() - 1);
    }

    JoinPath prepend(ForeignKey fk) {
        List<ForeignKey> longer = new java.util.ArrayList<>();
        longer.add(fk);
        longer.addAll(hops);
        return new JoinPath(longer);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(table());
        hops.forEach(h -> s.append(" -").append(String.join("+", h.columns())).append("-> ").append(h.refTable()));
        return s.toString();
    }
}
