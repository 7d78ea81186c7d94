package dev.notebookchat.it;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.event.DeployDeployment;
import org.jboss.arquillian.container.spi.event.StopSuiteContainers;
import org.jboss.arquillian.container.spi.event.UnDeployDeployment;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.EventContext;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.shrinkwrap.api.Archive;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One deployment of the application per test run instead of one per test class. Every integration
 * test class deploys the same packaged WAR ({@link Deployments#application()}) and talks to it over
 * HTTP only, so undeploying it after a class and deploying it again before the next proves nothing a
 * test asks about, while each round costs seconds on Liberty (the application starts again) and half
 * a minute on Payara Micro (whose Arquillian container starts a new server per deployment). So the
 * first class's deployment is kept until the run ends and later classes find it in place; it is
 * undeployed once, before the containers stop.
 *
 * <p>On when the system property {@code it.deployment.shared} is {@code true} (the failsafe
 * configuration in pom.xml says for which passes). A class whose archive differs (extra probe classes)
 * replaces the shared deployment for its own tests. A class that needs a freshly started application
 * cannot have one while this is on.
 */
public final class SharedDeployment implements LoadableExtension {

    static final String SWITCH = "it.deployment.shared";

    @Override
    public void register(ExtensionBuilder builder) {
        if (Boolean.getBoolean(SWITCH)) {
            builder.observer(Keeper.class);
        }
    }

    /** Observes the deployment events of the whole run; one per test JVM, like the run itself. */
    public static final class Keeper {

        private static final Logger LOG = Logger.getLogger(SharedDeployment.class.getName());

        private DeployableContainer<?> container;
        private Archive<?> archive;

        public void deploy(@Observes EventContext<DeployDeployment> deploy) throws Exception {
            Archive<?> wanted = deploy.getEvent().getDeployment().getDescription().getArchive();
            if (archive != null && sameApplication(archive, wanted)) {
                return;
            }
            if (archive != null) {
                // A class that adds test classes to the application (a probe) gets its own deployment;
                // the next class that asks for the plain application gets that one back.
                container.undeploy(archive);
                archive = null;
            }
            deploy.proceed();
            container = deploy.getEvent().getDeployableContainer();
            archive = wanted;
        }

        private static boolean sameApplication(Archive<?> deployed, Archive<?> wanted) {
            return deployed.getName().equals(wanted.getName())
                    && deployed.getContent().keySet().equals(wanted.getContent().keySet());
        }

        public void keep(@Observes EventContext<UnDeployDeployment> undeploy) {
            // kept for the next class; undeployed when the run ends
        }

        public void undeployAtTheEnd(@Observes EventContext<StopSuiteContainers> stop) {
            try {
                if (archive != null) {
                    container.undeploy(archive);
                }
            } catch (Exception e) {
                LOG.log(Level.WARNING, "The shared deployment " + archive.getName() + " could not be undeployed", e);
            } finally {
                archive = null;
                stop.proceed();
            }
        }
    }
}
