package org.accountpurge.retention;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every reason to keep each account of a chunk: retained ids to their reasons; accounts to purge are absent. */
@FunctionalInterface
public interface RetentionCheck {
    Map<String, Set<String>> reasons(List<String> accountIds);
}
