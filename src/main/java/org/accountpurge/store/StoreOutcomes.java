package org.accountpurge.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one store call did, per target (a table, an index, a realm) and account, in the order the store worked.
 */
public final class StoreOutcomes {

    private final Map<String, Map<String, TargetOutcome>> byTarget = new LinkedHashMap<>();
    private final List<Handover> handovers = new java.util.ArrayList<>();

    public static StoreOutcomes none() {
        return new StoreOutcomes();
    }

    /** One target's outcomes per account. */
    public static StoreOutcomes of(String target, Map<String, TargetOutcome> perAccount) {
        return new StoreOutcomes().put(target, perAccount);
    }

    /** Adds (merges) a target's outcomes per account. */
    public StoreOutcomes put(String target, Map<String, TargetOutcome> perAccount) {
        Map<String, TargetOutcome> existing = byTarget.computeIfAbsent(target, t -> new LinkedHashMap<>());
        perAccount.forEach((id, o) -> existing.merge(id, o, TargetOutcome::plus));
        return this;
    }

    public Map<String, Map<String, TargetOutcome>> byTarget() {
        return Collections.unmodifiableMap(byTarget);
    }

    /** Records what an account handed over, and to whom. */
    public StoreOutcomes handedOver(Handover handover) {
        handovers.add(handover);
        return this;
    }

    /** What the accounts handed over (reassigned rows, promoted groups), and to whom. */
    public List<Handover> handovers() {
        return Collections.unmodifiableList(handovers);
    }

    /** These outcomes without the given accounts' (those recorded already). */
    public StoreOutcomes without(java.util.Set<String> accountIds) {
        if (accountIds.isEmpty()) {
            return this;
        }
        StoreOutcomes rest = new StoreOutcomes();
        byTarget.forEach((target, perAccount) -> {
            Map<String, TargetOutcome> left = new LinkedHashMap<>(perAccount);
            left.keySet().removeAll(accountIds);
            if (!left.isEmpty()) {
                rest.put(target, left);
            }
        });
        handovers.stream().filter(h -> !accountIds.contains(h.accountId())).forEach(rest::handedOver);
        return rest;
    }

    /** These outcomes with each one {@code change} makes of it (per account). */
    public StoreOutcomes map(java.util.function.BiFunction<String, TargetOutcome, TargetOutcome> change) {
        StoreOutcomes changed = new StoreOutcomes();
        byTarget.forEach((target, perAccount) -> {
            Map<String, TargetOutcome> each = new LinkedHashMap<>();
            perAccount.forEach((id, o) -> each.put(id, change.apply(id, o)));
            changed.put(target, each);
        });
        handovers.forEach(changed::handedOver);
        return changed;
    }

    public boolean isEmpty() {
        return byTarget.isEmpty();
    }

    /** The failed outcomes, as (store, target, account, error class). */
    public List<Failure> failures(String store) {
        return byTarget.entrySet().stream().flatMap(t -> t.getValue().entrySet().stream()
                .filter(a -> a.getValue().isFailure())
                .map(a -> new Failure(store, t.getKey(), a.getKey(), a.getValue().errorClass()))).toList();
    }

    /** Targets with something left, for {@link AccountStore#verify}: per target, accounts with a non-zero count. */
    public Map<String, List<String>> residue() {
        Map<String, List<String>> left = new LinkedHashMap<>();
        byTarget.forEach((target, perAccount) -> {
            List<String> ids = perAccount.entrySet().stream().filter(e -> e.getValue().count() > 0)
                    .map(Map.Entry::getKey).toList();
            if (!ids.isEmpty()) {
                left.put(target, ids);
            }
        });
        return left;
    }

    /** An account a store failed for, on one target, with the error class the step log records. */
    public record Failure(String store, String target, String accountId, String errorClass) {
    }

    @Override
    public String toString() {
        return byTarget.toString();
    }
}
