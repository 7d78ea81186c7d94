package dev.notebookchat.chat.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;

import static jakarta.transaction.Transactional.TxType.REQUIRES_NEW;

/**
 * The servers sharing the database, each with the time its lease runs out. Plain SQL that H2 and
 * PostgreSQL both read; the times come from the servers' clocks, which must agree within a small
 * fraction of the lease (NTP).
 */
@ApplicationScoped
public class Instances {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    @Transactional(REQUIRES_NEW)
    public void renew(String instanceId, OffsetDateTime until) {
        int updated = em.createNativeQuery("UPDATE server_instance SET lease_until = ?1 WHERE id = ?2")
                .setParameter(1, until).setParameter(2, instanceId).executeUpdate();
        if (updated == 0) {
            em.createNativeQuery("INSERT INTO server_instance (id, lease_until) VALUES (?1, ?2)")
                    .setParameter(1, instanceId).setParameter(2, until).executeUpdate();
        }
    }

    /**
     * Marks {@code interrupted} the answers still {@code streaming} whose server's lease ran out
     * before {@code now} (or that name no server: written before servers named themselves), then
     * forgets the expired leases.
     *
     * @return how many answers were marked
     */
    @Transactional(REQUIRES_NEW)
    public int interruptOrphans(OffsetDateTime now) {
        int marked = em.createNativeQuery("UPDATE chat_message SET status = 'interrupted' WHERE status = 'streaming' "
                        + "AND (instance_id IS NULL OR instance_id NOT IN (SELECT id FROM server_instance WHERE lease_until > ?1))")
                .setParameter(1, now).executeUpdate();
        em.createNativeQuery("DELETE FROM server_instance WHERE lease_until <= ?1").setParameter(1, now).executeUpdate();
        return marked;
    }

    /** A server that stops cleanly gives its lease up, so its unsaved answers count as leftovers at once. */
    @Transactional(REQUIRES_NEW)
    public void release(String instanceId) {
        em.createNativeQuery("DELETE FROM server_instance WHERE id = ?1").setParameter(1, instanceId).executeUpdate();
    }
}
