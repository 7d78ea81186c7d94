package dev.notebookchat.it.probe;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.List;

/**
 * Deployed by {@code ConnectionPerThreadIT} only: one request that works within one connection and
 * one that takes a second while it holds the first, as a code path that mixed a transaction with a
 * {@code REQUIRES_NEW} call would. Answers what happened as text, the failure's causes included.
 */
@Path("probe/connections")
@RequestScoped
@Produces(MediaType.TEXT_PLAIN)
public class ConnectionProbe {

    @Inject
    ConnectionProbeWork work;

    @GET
    @Path("one")
    public String one() {
        return outcome(work::inOneTransaction);
    }

    @GET
    @Path("two")
    public String two() {
        return outcome(work::withASecondTransactionInside);
    }

    private static String outcome(Runnable work) {
        try {
            work.run();
            return "done";
        } catch (RuntimeException e) {
            List<String> causes = new ArrayList<>();
            for (Throwable t = e; t != null && causes.size() < 20; t = t.getCause()) {
                causes.add(t.getClass().getName() + ": " + t.getMessage());
            }
            return "failed\n" + String.join("\n", causes);
        }
    }
}
