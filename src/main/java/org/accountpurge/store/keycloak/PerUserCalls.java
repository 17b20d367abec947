package org.accountpurge.store.keycloak;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.accountpurge.store.AccountStore.Removed;
import org.accountpurge.store.TargetOutcome;

/**
 * Keycloak has no bulk API: the purge makes one call (or a few) per user, on a pool of threads, at most as fast as the
 * rate limit lets it, each account with a deadline of its own. Once Keycloak stops answering, the accounts not yet
 * started are not attempted.
 */
final class PerUserCalls {

    private final KeycloakClient client;
    private final ExecutorService pool;
    private final CallRate rate;
    private final Duration timeout;

    PerUserCalls(KeycloakClient client, ExecutorService pool, CallRate rate, Duration timeout) {
        this.client = client;
        this.pool = pool;
        this.rate = rate;
        this.timeout = timeout;
    }

    /**
     * Waits for a slot of the rate limit for {@code calls} calls, then gives the account's task that long (three
     * timeouts per call) from now: the time a call waits for its slot never counts against it.
     */
    void pace(int calls) {
        rate.acquire(calls);
        java.util.concurrent.atomic.AtomicLong until = CALL_DEADLINE.get();
        if (until != null) {
            until.set(System.nanoTime() + calls * perCall());
        }
    }

    /** How long a call may take before its account is FAILED {@code timeout}: connect, read, a token fetched again. */
    private long perCall() {
        return 3 * timeout.toNanos();
    }

    /** The deadline of the account's task running on this thread (see {@link #pace}). */
    private static final ThreadLocal<java.util.concurrent.atomic.AtomicLong> CALL_DEADLINE = new ThreadLocal<>();

    /**
     * Runs the action for each account on the pool. Every call has the configured connect and read timeout, and no
     * account's task waits past three timeouts per call it makes, counted from when the call got its slot of the rate
     * limit (never per batch: a paced chunk takes as long as its calls need). Once one call finds Keycloak unreachable
     * (timeout, refused connection), the accounts not yet started are not attempted (FAILED {@code not_attempted}): a
     * frozen Keycloak fails the chunk in about the configured timeout, not in one timeout per account.
     */
    Map<String, TargetOutcome> each(List<String> accountIds, Removed done,
                                            Function<String, TargetOutcome> action) {
        AtomicReference<String> unreachable = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        Map<String, Future<TargetOutcome>> futures = new LinkedHashMap<>();
        Map<String, java.util.concurrent.atomic.AtomicLong> deadlines = new java.util.HashMap<>();
        accountIds.forEach(id -> {
            java.util.concurrent.atomic.AtomicLong until = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
            deadlines.put(id, until);
            futures.put(id, pool.submit(() -> {
                if (!until.compareAndSet(Long.MAX_VALUE, System.nanoTime() + perCall())) {
                    return TargetOutcome.failed(KeycloakClient.NOT_ATTEMPTED); // given up before it started (see await)
                }
                CALL_DEADLINE.set(until);
                try {
                    TargetOutcome outcome = attempt(id, unreachable, action);
                    if (!outcome.isFailure() && !answered.get()) { // not after the call gave up waiting for it
                        done.removed(id, outcome); // the user is gone: the account's other data may go
                    }
                    return outcome;
                } finally {
                    CALL_DEADLINE.remove();
                }
            }));
        });
        try {
            return outcomes(futures, deadlines, unreachable);
        } finally {
            answered.set(true);
        }
    }

    private TargetOutcome attempt(String id, AtomicReference<String> unreachable,
                                  Function<String, TargetOutcome> action) {
        if (unreachable.get() != null) {
            return TargetOutcome.failed(KeycloakClient.NOT_ATTEMPTED);
        }
        try {
            return client.withFreshToken(() -> action.apply(id));
        } catch (WebApplicationException e) {
            return e.getResponse().getStatus() == 404 ? TargetOutcome.absent()
                    : TargetOutcome.failed("HTTP " + e.getResponse().getStatus());
        } catch (ProcessingException e) {
            WebApplicationException web = KeycloakClient.httpCause(e);
            if (web != null) {
                return TargetOutcome.failed("HTTP " + web.getResponse().getStatus());
            }
            String error = KeycloakClient.transportError(e);
            unreachable.compareAndSet(null, error);
            return TargetOutcome.failed(error);
        } catch (RuntimeException e) {
            return TargetOutcome.failed(e.getClass().getSimpleName());
        }
    }

    /**
     * Each account's outcome, waited for until its own deadline ({@link #pace}); an account whose task has not started
     * yet (the pool's threads busy with others) is waited for as long as the others progress.
     */
    private Map<String, TargetOutcome> outcomes(Map<String, Future<TargetOutcome>> futures,
                                                Map<String, java.util.concurrent.atomic.AtomicLong> deadlines,
                                                AtomicReference<String> unreachable) {
        Map<String, TargetOutcome> outcomes = new LinkedHashMap<>();
        futures.forEach((id, f) -> {
            try {
                outcomes.put(id, await(f, deadlines.get(id), unreachable));
            } catch (TimeoutException e) {
                f.cancel(true);
                unreachable.compareAndSet(null, KeycloakClient.TIMEOUT);
                outcomes.put(id, TargetOutcome.failed(KeycloakClient.TIMEOUT));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.put(id, TargetOutcome.failed("Interrupted"));
            } catch (ExecutionException e) {
                outcomes.put(id, TargetOutcome.failed(e.getCause().getClass().getSimpleName()));
            }
        });
        return outcomes;
    }

    /** The task's outcome once it is done; a {@link TimeoutException} once its deadline (moved by each call) passed. */
    private TargetOutcome await(Future<TargetOutcome> f, java.util.concurrent.atomic.AtomicLong until,
                                AtomicReference<String> unreachable)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            long deadline = until.get();
            if (deadline == Long.MAX_VALUE && unreachable.get() != null
                    && until.compareAndSet(Long.MAX_VALUE, Long.MIN_VALUE)) {
                return TargetOutcome.failed(KeycloakClient.NOT_ATTEMPTED); // not started, and Keycloak stopped answering meanwhile
            }
            long left = deadline == Long.MAX_VALUE ? perCall() : deadline - System.nanoTime();
            if (left <= 0 && !f.isDone()) {
                throw new TimeoutException();
            }
            try {
                return f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (until.get() == deadline && deadline != Long.MAX_VALUE) { // not moved on by a later call
                    throw e;
                }
            }
        }
    }

}
