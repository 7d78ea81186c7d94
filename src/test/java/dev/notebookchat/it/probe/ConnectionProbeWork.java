package dev.notebookchat.it.probe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import static jakarta.transaction.Transactional.TxType.REQUIRES_NEW;

/** The database work of {@link ConnectionProbe}. */
@ApplicationScoped
public class ConnectionProbeWork {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    /** Through the container, so that the inner call gets its own transaction. */
    @Inject
    ConnectionProbeWork self;

    @Transactional
    public void inOneTransaction() {
        ask();
        ask();
    }

    @Transactional
    public void withASecondTransactionInside() {
        ask();
        self.inANewTransaction();
    }

    @Transactional(REQUIRES_NEW)
    public void inANewTransaction() {
        ask();
    }

    private void ask() {
        em.createNativeQuery("SELECT 1").getSingleResult();
    }
}
