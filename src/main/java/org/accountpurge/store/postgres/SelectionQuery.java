package org.accountpurge.store.postgres;

import org.accountpurge.sql.SqlText;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.accountpurge.config.SelectionSection;

/**
 * A kind's inactivity selection ({@code purge.selection.<kind>}) for one run date: its cut-offs as instants, the
 * query paged by keyset on the account id (never OFFSET: accounts leave the result while a purge runs), and the same
 * query asked again for a chunk's accounts just before they are locked out. Everything runs read-only.
 */
public final class SelectionQuery {

    private final ReadOnlyQueries readOnly;
    private final SelectionSection.KindSelection selection;
    private final String idType;
    private final LocalDate runDate;
    private final Map<String, Object> parameters = new HashMap<>();

    /** @param idType the root id's SQL type (the keyset compares ids of that type, not their text) */
    public SelectionQuery(ReadOnlyQueries readOnly, SelectionSection.KindSelection selection, String idType,
                          LocalDate runDate) {
        this.readOnly = readOnly;
        this.selection = selection;
        this.idType = ForeignKeyCatalog.castType(idType);
        this.runDate = runDate;
        selection.cutoffs().forEach(c -> parameters.put(c.name(), before(c.age())));
        selection.values().forEach(v -> parameters.put(v.name(), v.value()));
    }

    /** The cut-offs and values, as bound. */
    public Map<String, Object> parameters() {
        return Map.copyOf(parameters);
    }

    /** Activity after this instant keeps an account ({@code active-again}); null when the selection defines none. */
    public Instant activityCutoff() {
        java.time.Duration age = selection.activityAge();
        return age == null ? null : before(age).toInstant();
    }

    /** Up to {@code limit} selected ids after {@code after} (null: from the start), in id order (repeats adjacent). */
    public List<String> page(String after, int limit) {
        Map<String, Object> p = new HashMap<>(parameters);
        p.put("_limit", limit);
        String where = "";
        if (after != null) {
            p.put("_after", after);
            where = " WHERE q.id > CAST(:_after AS text)::" + idType;
        }
        return readOnly.named("SELECT q.id::text FROM (" + body() + ") AS q(id)" + where
                + " ORDER BY q.id LIMIT :_limit", p);
    }

    /** Which of {@code ids} the selection still selects now (the others showed activity since). */
    public Set<String> stillSelected(List<String> ids) {
        Map<String, Object> p = new HashMap<>(parameters);
        p.put("_ids", ids.toArray(String[]::new));
        return new LinkedHashSet<>(readOnly.named("SELECT q.id::text FROM (" + body() + ") AS q(id) WHERE q.id ="
                + " ANY(CAST(:_ids AS text[])::" + idType + "[])", p));
    }

    /** How many accounts are in the selection's scope (its scope-sql); empty when it names none. */
    public java.util.OptionalLong scopeCount() {
        if (selection.scopeSql() == null) {
            return java.util.OptionalLong.empty();
        }
        List<String> n = readOnly.named(selection.scopeSql(), parameters);
        return java.util.OptionalLong.of(n.isEmpty() ? 0 : Long.parseLong(n.get(0).trim()));
    }

    private String body() {
        return SqlText.singleStatement(selection.sql());
    }

    private OffsetDateTime before(java.time.Duration age) {
        return runDate.atStartOfDay().atOffset(ZoneOffset.UTC).minus(age);
    }
}
