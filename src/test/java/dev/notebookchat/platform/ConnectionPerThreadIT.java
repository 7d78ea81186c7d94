package dev.notebookchat.platform;

import dev.notebookchat.it.Api;
import dev.notebookchat.it.Deployments;
import dev.notebookchat.it.ServerLogs;
import dev.notebookchat.it.probe.ConnectionProbe;
import dev.notebookchat.it.probe.ConnectionProbeWork;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No thread of the server may hold two pool connections at once: with a pool as small as the test
 * server's, a request that holds one and waits for a second waits on itself while a burst holds the
 * rest. A transaction started inside a running one is refused ({@link OneTransactionAtATime}), so every
 * test that reaches such a path fails; this one shows that the refusal is in force, with a probe deployed
 * beside the application, and that no thread has held two connections outside a transaction since the
 * server started (Liberty says so once, with J2CA0086; the migrations no longer do it at startup).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConnectionPerThreadIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application().addClasses(ConnectionProbe.class, ConnectionProbeWork.class);
    }

    @Test
    void aRequestWithinOneConnectionIsServed() {
        Api.Response response = Api.newUser("probe").get("api/probe/connections/one");

        assertEquals(200, response.status(), response.body());
        assertEquals("done", response.body());
    }

    @Test
    void aSecondConnectionOnTheSameThreadIsRefused() {
        Api.Response response = Api.newUser("probe").get("api/probe/connections/two");

        assertEquals(200, response.status(), response.body());
        assertTrue(response.body().startsWith("failed\n"), response.body());
        assertTrue(response.body().contains(OneTransactionAtATime.REFUSAL), response.body());
    }

    @Test
    void noThreadHasUsedTwoConnectionsOutsideATransactionSinceTheServerStarted() {
        assertEquals(List.of(), ServerLogs.messagesWith("J2CA0086"));
    }
}
