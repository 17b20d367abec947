package org.accountpurge.store;

/**
 * Marks in the chunk's database transaction, so that the work of some accounts can be undone while the rest of the
 * chunk goes on (an account whose Keycloak user cannot be deleted keeps its rows).
 */
public interface Savepoints {

    /** An opaque mark. */
    interface Mark {
    }

    Mark mark();

    /** Undoes everything done in the transaction since {@code mark} (which stays usable). */
    void rollbackTo(Mark mark);

    /** Savepoints that undo nothing, for writers without a database transaction (tests). */
    Savepoints NONE = new Savepoints() {
        @Override
        public Mark mark() {
            return new Mark() {
            };
        }

        @Override
        public void rollbackTo(Mark mark) {
        }
    };
}
