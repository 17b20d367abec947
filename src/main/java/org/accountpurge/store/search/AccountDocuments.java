package org.accountpurge.store.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.accountpurge.store.TargetOutcome;

/**
 * The rules of an account's documents that hold for any search engine: whose a document is (the values of its account
 * field, a path through objects too), which documents are shared between accounts, and what deleting an account's
 * documents does with a shared one. {@link SearchStore} finds and deletes; this decides.
 */
final class AccountDocuments {

    private AccountDocuments() {
    }

    /**
     * A document a search found and the values of its account field: exactly one for a document of one account; none
     * when the field is missing; several when it is shared.
     */
    record Owned(String id, List<String> owners) {
    }

    /**
     * Per index, the asked accounts that hold a document shared with other accounts (its field names more than one
     * id): documents nobody should delete for one account alone.
     */
    static Map<String, java.util.Set<String>> shared(Map<String, List<Owned>> found, List<String> accountIds) {
        java.util.Set<String> asked = new java.util.HashSet<>(accountIds);
        Map<String, java.util.Set<String>> shared = new LinkedHashMap<>();
        found.forEach((index, documents) -> {
            for (Owned doc : documents) {
                List<String> owners = doc.owners().stream().distinct().toList();
                if (owners.size() > 1) {
                    owners.stream().filter(asked::contains).forEach(id ->
                            shared.computeIfAbsent(index, i -> new java.util.TreeSet<>()).add(id));
                }
            }
        });
        return shared;
    }

    /**
     * The values of {@code field} in a document's source, as text: the field as a key of its own, or a path through
     * objects ({@code user.id}); a list gives each of its values.
     */
    static List<String> values(Map<?, ?> source, String field) {
        if (source == null) {
            return List.of();
        }
        Object value = source.get(field);
        if (value == null && source.containsKey(field)) {
            return List.of();
        }
        if (value == null) {
            int dot = field.indexOf('.');
            while (dot > 0) {
                if (source.get(field.substring(0, dot)) instanceof Map<?, ?> inner) {
                    return values(inner, field.substring(dot + 1));
                }
                dot = field.indexOf('.', dot + 1);
            }
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().filter(java.util.Objects::nonNull).map(Object::toString).toList();
        }
        return List.of(value.toString());
    }

    /** What a deletion of the accounts' documents does: the outcome so far per index and account, the documents to delete. */
    record Deletion(Map<String, Map<String, TargetOutcome>> outcomes, List<String[]> documents) {
    }

    /**
     * The deletion of the accounts' documents, once every document of theirs is found ({@code found}: per index
     * matched by a field). An account one of whose documents also names other accounts keeps every document in every
     * index, and is FAILED {@link SearchStore#SHARED_DOCUMENT} on the index of that document (it has no
     * outcome on the others); every other account is absent until its documents are deleted.
     *
     * @param fieldByIndex index name to field; a null field: the document id is the account id
     */
    static Deletion deletion(Map<String, String> fieldByIndex, List<String> accountIds, Map<String, List<Owned>> found) {
        Map<String, Map<String, TargetOutcome>> outcomes = new LinkedHashMap<>();
        fieldByIndex.keySet().forEach(index -> {
            Map<String, TargetOutcome> perAccount = new LinkedHashMap<>();
            accountIds.forEach(id -> perAccount.put(id, TargetOutcome.absent()));
            outcomes.put(index, perAccount);
        });
        Map<String, java.util.Set<String>> shared = shared(found, accountIds);
        java.util.Set<String> keep = new java.util.HashSet<>();
        shared.values().forEach(keep::addAll);
        List<String[]> docs = new ArrayList<>(); // index, document id, account id
        for (Map.Entry<String, String> index : fieldByIndex.entrySet()) {
            Map<String, TargetOutcome> perAccount = outcomes.get(index.getKey());
            keep.forEach(perAccount::remove);
            shared.getOrDefault(index.getKey(), java.util.Set.of()).forEach(id ->
                    perAccount.put(id, TargetOutcome.failed(SearchStore.SHARED_DOCUMENT)));
            if (index.getValue() == null) {
                accountIds.stream().filter(id -> !keep.contains(id))
                        .forEach(id -> docs.add(new String[] {index.getKey(), id, id}));
            } else {
                for (Owned doc : found.get(index.getKey())) {
                    String owner = doc.owners().get(0); // one account's alone (shared ones are kept above)
                    if (!keep.contains(owner) && perAccount.containsKey(owner)) {
                        docs.add(new String[] {index.getKey(), doc.id(), owner});
                    }
                }
            }
        }
        return new Deletion(outcomes, docs);
    }
}
