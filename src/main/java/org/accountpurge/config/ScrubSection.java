package org.accountpurge.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.HashSet;
import java.util.List;
import org.accountpurge.account.AccountKind;
import org.accountpurge.graph.ScrubColumn;

/**
 * Scrub mode: for a kind named here, the account's own row is anonymised and kept instead of deleted (its dependants
 * still go by their edge rules, unless {@code tables} keeps and scrubs them too), so that rows referencing it stay
 * valid. Search documents and the Keycloak user go as {@code indexes[].scrub-fields} and
 * {@code purge.keycloak.on-purge} say.
 *
 * @param user    how a user's row is scrubbed; users are deleted when unset
 * @param org     how an org's row is scrubbed; orgs are deleted when unset
 * @param hashKey the key of {@code as: hash} columns (from the environment: {@code ${PURGE_SCRUB_HASH_KEY}}), at
 *                least 32 characters; never printed
 */
public record ScrubSection(@Valid KindScrub user, @Valid KindScrub org,
                           @jakarta.validation.constraints.Size(min = 32, message = "must be at least 32 characters")
                           String hashKey) {

    /** The kind's scrub, or null when its accounts are deleted. */
    public KindScrub of(AccountKind kind) {
        return kind == AccountKind.USER ? user : org;
    }

    @AssertTrue(message = "a column scrubbed as: hash needs purge.scrub.hash-key (e.g. ${PURGE_SCRUB_HASH_KEY})")
    public boolean isHashKeyGivenWhenHashing() {
        return hashKey != null && !hashKey.isBlank() || java.util.stream.Stream.of(user, org)
                .filter(java.util.Objects::nonNull).flatMap(k -> java.util.stream.Stream.concat(k.columns().stream(),
                        k.tables().stream().flatMap(t -> t.columns().stream())))
                .noneMatch(c -> c.as() == ScrubColumn.As.HASH);
    }

    @Override
    public String toString() {
        return "ScrubSection[user=" + user + ", org=" + org + ", hashKey=" + (hashKey == null ? "none" : "(set)") + "]";
    }

    /**
     * @param columns the columns of the kind's root row to scrub, each once; the others are kept as they are
     * @param tables  dependant tables whose rows of the account are kept and scrubbed too, instead of deleted (the
     *                rows they hang off must be kept as well: the root, and every table between)
     */
    public record KindScrub(@NotEmpty List<@Valid Column> columns,
                            @NotNull @org.springframework.boot.context.properties.bind.DefaultValue
                            List<@Valid Table> tables) {

        @AssertTrue(message = "each column may be scrubbed only once")
        public boolean isEachColumnOnce() {
            return columns == null || new HashSet<>(columns.stream().map(Column::column).toList()).size()
                    == columns.size();
        }

        @AssertTrue(message = "each table may be named only once")
        public boolean isEachTableOnce() {
            return tables == null || new HashSet<>(tables.stream().map(Table::table).toList()).size() == tables.size();
        }

        /** The columns as the delete plan takes them. */
        public List<ScrubColumn> plan() {
            return plan(columns);
        }

        /** The dependant tables' columns as the delete plan takes them, by table. */
        public java.util.Map<String, List<ScrubColumn>> tablePlan() {
            java.util.Map<String, List<ScrubColumn>> plan = new java.util.LinkedHashMap<>();
            tables.forEach(t -> plan.put(t.table(), plan(t.columns())));
            return plan;
        }

        private static List<ScrubColumn> plan(List<Column> columns) {
            return columns.stream().map(c -> new ScrubColumn(c.column(), c.as(), c.value())).toList();
        }
    }

    /**
     * @param table   a table the account's deletion reaches ({@code table}, or {@code schema.table} of another schema)
     * @param columns its columns to scrub, each once
     */
    public record Table(@NotBlank String table, @NotEmpty List<@Valid Column> columns) {

        @AssertTrue(message = "each column may be scrubbed only once")
        public boolean isEachColumnOnce() {
            return columns == null || new HashSet<>(columns.stream().map(Column::column).toList()).size()
                    == columns.size();
        }
    }

    /**
     * @param column the column of the root table
     * @param as     {@code cleared} (NULL), {@code value} (the value, {@code {id}} standing for the account id) or
     *               {@code hash} (hex SHA-256 of the hash key and the value; NULL stays NULL)
     * @param value  the value of {@code as: value}, e.g. {@code deleted-{id}@invalid} or {@code DELETED}
     */
    public record Column(@NotBlank @Pattern(regexp = "[^\\s\"]+", message = "must be a column name") String column,
                         @NotNull ScrubColumn.As as, String value) {

        @AssertTrue(message = "as: value needs a value, and only as: value takes one")
        public boolean isValueGivenForValue() {
            return as == null || (as == ScrubColumn.As.VALUE) == (value != null);
        }
    }
}
