package org.accountpurge.lifecycle;

import java.time.Duration;
import java.time.LocalDate;
import org.accountpurge.config.SelectionSection;

/**
 * The grace lifecycle's rule for one selected, not retained account on a run date: where it stands decides the next
 * step — warn, wait, disable, wait, purge — and a re-enabled Keycloak user cancels it. Pure: the job does the rest.
 */
public final class GraceLifecycle {

    /** What tonight's run does with an account. */
    public enum Step {
        /** Not in a cycle (or its cycle was cancelled): queue the notice, state WARNED. */
        WARN,
        /** Warned, the grace before disabling not over: nothing. */
        WAIT_WARNED,
        /** Warned long enough: disable its Keycloak user, state DISABLED. */
        DISABLE,
        /** Disabled, the grace before the purge not over (or the mode never purges): nothing. */
        WAIT_DISABLED,
        /** Disabled long enough and still disabled: the purge step purges it. */
        PURGE,
        /** Disabled by the lifecycle, but its Keycloak user was enabled again: the cycle is cancelled. */
        CANCEL_REENABLED
    }

    /** An account's place in the lifecycle, as {@code purge.lifecycle} holds it. */
    public record Standing(String state, LocalDate warnedOn, LocalDate disabledOn) {
    }

    private final SelectionSection.Lifecycle config;

    public GraceLifecycle(SelectionSection.Lifecycle config) {
        this.config = config;
    }

    /**
     * @param standing  null when the account never was in a cycle
     * @param enabled   whether its Keycloak user is enabled now (asked only of DISABLED accounts; else ignored)
     */
    public Step next(Standing standing, LocalDate runDate, boolean enabled) {
        if (standing == null || LifecycleStore.CANCELLED.equals(standing.state())
                || LifecycleStore.PURGED.equals(standing.state())) {
            return Step.WARN;
        }
        if (LifecycleStore.WARNED.equals(standing.state())) {
            return reached(standing.warnedOn(), config.disableAfter(), runDate) ? Step.DISABLE : Step.WAIT_WARNED;
        }
        if (enabled) {
            return Step.CANCEL_REENABLED;
        }
        return config.purges() && reached(standing.disabledOn(), config.purgeAfter(), runDate) ? Step.PURGE
                : Step.WAIT_DISABLED;
    }

    /** The date an account warned on {@code warnedOn} is disabled, and then purged (for the notice). */
    public LocalDate disableOn(LocalDate warnedOn) {
        return warnedOn.plusDays(days(config.disableAfter()));
    }

    public LocalDate purgeOn(LocalDate warnedOn) {
        return purgeOnceDisabled(disableOn(warnedOn));
    }

    /** The date an account disabled on {@code disabledOn} is purged (unless the mode never purges). */
    public LocalDate purgeOnceDisabled(LocalDate disabledOn) {
        return disabledOn.plusDays(days(config.purgeAfter()));
    }

    private static boolean reached(LocalDate since, Duration grace, LocalDate runDate) {
        return since != null && !runDate.isBefore(since.plusDays(days(grace)));
    }

    /** Whole days of a grace period, rounded up (a grace of 36h is two nights). */
    private static long days(Duration grace) {
        long days = grace.toDays();
        return grace.equals(Duration.ofDays(days)) ? days : days + 1;
    }
}
