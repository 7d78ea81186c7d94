package dev.notebookchat.retrieval.control;

import dev.notebookchat.notebook.control.Sources;
import dev.notebookchat.retrieval.entity.Passage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static jakarta.transaction.Transactional.TxType.MANDATORY;
import static jakarta.transaction.Transactional.TxType.REQUIRES_NEW;

/**
 * The indexer's reads and writes, each a short transaction of its own: embedding runs between them,
 * never inside one. Plain SQL that H2 and PostgreSQL both read. An item is worked on under a claim (a
 * random id in {@code indexing_claim}): the claim is taken with a conditional UPDATE, so of several
 * servers exactly one gets it, and every later write checks that it still stands. An edit sets the
 * item back to {@code pending}, which ends the claim, so a result computed from the old text is dropped.
 */
@ApplicationScoped
public class PassageTable {

    @PersistenceContext(unitName = "notebookchat")
    EntityManager em;

    /** An item claimed for indexing: its text as claimed and the embeddings its current passages have, by text hash. */
    record Claim(Item item, String claim, String notebookId, String content, Map<String, Embedded> embeddings) {
    }

    /** A passage's vector and its windows' vectors, as stored ({@link VectorIndex#bytes}). */
    record Embedded(byte[] vector, byte[] windows) {
    }

    /**
     * Claims the item if it is pending, or if the claim on it was last renewed before {@code abandonedBefore}
     * (its server stopped); empty when it is not (someone else has it, it is ready, or it is gone).
     */
    @Transactional(REQUIRES_NEW)
    Optional<Claim> claim(Item item, OffsetDateTime now, OffsetDateTime abandonedBefore) {
        String claim = UUID.randomUUID().toString();
        int claimed = em.createNativeQuery("UPDATE " + item.table() + " SET status = 'indexing', indexing_claim = ?1, indexing_since = ?2 "
                        + "WHERE id = ?3 AND (status = 'pending' OR (status = 'indexing' AND indexing_since < ?4))")
                .setParameter(1, claim).setParameter(2, now).setParameter(3, item.id()).setParameter(4, abandonedBefore)
                .executeUpdate();
        if (claimed == 0) {
            return Optional.empty();
        }
        Object[] row = (Object[]) em.createNativeQuery("SELECT notebook_id, content FROM " + item.table() + " WHERE id = ?1")
                .setParameter(1, item.id()).getSingleResult();
        Map<String, Embedded> embeddings = new HashMap<>();
        for (Object result : em.createNativeQuery("SELECT text_hash, embedding, window_embeddings FROM passage WHERE "
                        + item.passageColumn() + " = ?1")
                .setParameter(1, item.id()).getResultList()) {
            Object[] passage = (Object[]) result;
            embeddings.put((String) passage[0], new Embedded((byte[]) passage[1], (byte[]) passage[2]));
        }
        return Optional.of(new Claim(item, claim, (String) row[0], Sources.text(row[1]), embeddings));
    }

    /** Renews the claim, so other servers see it is alive; false when it no longer stands (edited or deleted). */
    @Transactional(REQUIRES_NEW)
    boolean renew(Claim claim, OffsetDateTime now) {
        return em.createNativeQuery("UPDATE " + claim.item().table() + " SET indexing_since = ?1 "
                        + "WHERE id = ?2 AND status = 'indexing' AND indexing_claim = ?3")
                .setParameter(1, now).setParameter(2, claim.item().id()).setParameter(3, claim.claim())
                .executeUpdate() == 1;
    }

    /**
     * Replaces the item's passages with these and marks it ready, in one transaction, if the claim still
     * stands; false (nothing written) when it does not.
     */
    @Transactional(REQUIRES_NEW)
    boolean finish(Claim claim, List<Passage> passages) {
        Item item = claim.item();
        // The notebook's row before the item's (see bump). Raised in vain if the claim is gone: a reload.
        bump(claim.notebookId());
        int ready = em.createNativeQuery("UPDATE " + item.table() + " SET status = 'ready', indexing_claim = NULL, indexing_since = NULL "
                        + "WHERE id = ?1 AND status = 'indexing' AND indexing_claim = ?2")
                .setParameter(1, item.id()).setParameter(2, claim.claim()).executeUpdate();
        if (ready == 0) {
            return false;
        }
        em.createNativeQuery("DELETE FROM passage WHERE " + item.passageColumn() + " = ?1").setParameter(1, item.id()).executeUpdate();
        for (Passage passage : passages) {
            em.persist(passage);
        }
        return true;
    }

    /** Marks the item failed if the claim still stands (an edit meanwhile gets its own try). */
    @Transactional(REQUIRES_NEW)
    void fail(Claim claim) {
        em.createNativeQuery("UPDATE " + claim.item().table() + " SET status = 'failed', indexing_claim = NULL, indexing_since = NULL "
                        + "WHERE id = ?1 AND status = 'indexing' AND indexing_claim = ?2")
                .setParameter(1, claim.item().id()).setParameter(2, claim.claim()).executeUpdate();
    }

    /**
     * Tells every server's cached vectors of the notebook that they are stale: within the transaction
     * that changed its passages or which of them may be used. Every transaction that writes both the
     * notebook's row and an item's locks the notebook's first (an edit's size check locks it before the
     * item is written, and {@link #finish} bumps before it marks the item), so two of them never wait
     * on each other in a circle.
     */
    @Transactional(MANDATORY)
    void bump(String notebookId) {
        em.createNativeQuery("UPDATE notebook SET passages_version = passages_version + 1 WHERE id = ?1")
                .setParameter(1, notebookId).executeUpdate();
    }

    /** Items waiting for a server: pending, or claimed by one that stopped renewing before {@code abandonedBefore}. */
    @Transactional(REQUIRES_NEW)
    List<Item> waiting(OffsetDateTime abandonedBefore, int limit) {
        List<Item> items = new ArrayList<>();
        for (Item kind : List.of(Item.source(null), Item.note(null))) {
            for (Object id : em.createNativeQuery("SELECT id FROM " + kind.table()
                            + " WHERE status = 'pending' OR (status = 'indexing' AND indexing_since < ?1) ORDER BY created")
                    .setParameter(1, abandonedBefore).setMaxResults(limit).getResultList()) {
                items.add(new Item(kind.note(), (String) id));
            }
        }
        return items;
    }

    /** A notebook's version of its passages; empty when the notebook is gone. */
    Optional<Long> version(String notebookId) {
        return em.createNativeQuery("SELECT passages_version FROM notebook WHERE id = ?1").setParameter(1, notebookId)
                .getResultStream().findFirst().map(v -> ((Number) v).longValue());
    }
}
