package org.accountpurge.retention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The nightly purge's veto, asked just before a chunk is locked out: an account its selection no longer selects (the
 * platform's last-login column moved) or whose Keycloak user was active after the cut-off (an event, a session) is
 * kept with the reason {@value #ACTIVE_AGAIN}. The platform's column can lag or lie; this is the last look.
 */
public final class ActivityCheck implements RetentionCheck {

    public static final String ACTIVE_AGAIN = "active-again";

    private final Function<List<String>, Set<String>> stillSelected;
    private final Function<List<String>, Set<String>> activeInKeycloak;

    /**
     * @param stillSelected    which of the accounts the selection query still selects
     * @param activeInKeycloak which of the accounts Keycloak shows active after the cut-off; null without Keycloak
     */
    public ActivityCheck(Function<List<String>, Set<String>> stillSelected,
                         Function<List<String>, Set<String>> activeInKeycloak) {
        this.stillSelected = stillSelected;
        this.activeInKeycloak = activeInKeycloak;
    }

    @Override
    public Map<String, Set<String>> reasons(List<String> accountIds) {
        Map<String, Set<String>> reasons = new TreeMap<>();
        Set<String> selected = stillSelected.apply(accountIds);
        List<String> inactive = new ArrayList<>();
        for (String id : accountIds) {
            if (selected.contains(id)) {
                inactive.add(id);
            } else {
                reasons.put(id, new TreeSet<>(Set.of(ACTIVE_AGAIN)));
            }
        }
        if (activeInKeycloak != null && !inactive.isEmpty()) {
            activeInKeycloak.apply(inactive).forEach(id -> reasons.put(id, new TreeSet<>(Set.of(ACTIVE_AGAIN))));
        }
        return reasons;
    }
}
