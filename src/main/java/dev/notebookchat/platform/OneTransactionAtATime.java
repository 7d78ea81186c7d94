package dev.notebookchat.platform;

import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import static jakarta.transaction.Transactional.TxType.NOT_SUPPORTED;
import static jakarta.transaction.Transactional.TxType.REQUIRES_NEW;

/**
 * No thread holds two database connections at once. A transaction that has used the database holds
 * its connection until it ends; a method that suspends it ({@code REQUIRES_NEW}, or {@code NOT_SUPPORTED}
 * with database work inside) and then uses the database takes a second one. With a pool as small as a
 * burst of requests every request can hold one while it waits for another, and the whole server waits
 * for the pool's timeout. So such a call is refused, before the transaction interceptor suspends
 * anything, with an {@link IllegalStateException}: a mistake in the code, found by the first test that
 * takes the path rather than by a crowd. A method that needs its own transaction is called where none
 * is running: from a resource without one, or on the managed executor.
 *
 * <p>{@code @Transactional}'s type is a binding member, so each type refused has its interceptor.
 */
public abstract class OneTransactionAtATime {

    /** What the refusal says first; the tests look for it. */
    public static final String REFUSAL = "A second transaction on one thread";

    /** Before the platform's transaction interceptors ({@code PLATFORM_BEFORE + 200}). */
    static final int PRIORITY = Interceptor.Priority.PLATFORM_BEFORE + 190;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @AroundInvoke
    public Object refuseASecondTransaction(InvocationContext context) throws Exception {
        if (transactions.getTransactionKey() != null) {
            throw new IllegalStateException(REFUSAL + ": " + context.getMethod().getDeclaringClass().getSimpleName() + "."
                    + context.getMethod().getName() + " (" + type() + ") was called inside a running transaction, which it "
                    + "would suspend while holding its database connection. Call it where no transaction runs.");
        }
        return context.proceed();
    }

    abstract Transactional.TxType type();

    @Interceptor
    @Transactional(REQUIRES_NEW)
    @Priority(PRIORITY)
    public static class RequiresNew extends OneTransactionAtATime {
        @Override
        Transactional.TxType type() {
            return REQUIRES_NEW;
        }
    }

    @Interceptor
    @Transactional(NOT_SUPPORTED)
    @Priority(PRIORITY)
    public static class NotSupported extends OneTransactionAtATime {
        @Override
        Transactional.TxType type() {
            return NOT_SUPPORTED;
        }
    }
}
