package org.accountpurge.retention;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Every reason to keep each account of a chunk: retained ids to their reasons; accounts to purge are absent. */
@FunctionalInterface
public interface RetentionCheck {
    Map<String, Set<String>> reasons(List<String> accountIds);

    /** This check, then {@code next} on the accounts this one did not retain (so it asks the stores less). */
    default RetentionCheck then(RetentionCheck next) {
        return ids -> {
            Map<String, Set<String>> reasons = new TreeMap<>(reasons(ids));
            List<String> rest = ids.stream().filter(id -> !reasons.containsKey(id)).toList();
            if (!rest.isEmpty()) {
                next.reasons(rest).forEach((id, r) -> reasons.computeIfAbsent(id, k -> new TreeSet<>()).addAll(r));
            }
            return reasons;
        };
    }
}
