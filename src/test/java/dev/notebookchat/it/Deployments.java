package dev.notebookchat.it;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/** The WAR the build packaged, deployed as it would be in production (black-box tests). */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive application() {
        File war = new File(System.getProperty("it.build.directory", "target"), "notebookchat.war");
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: run the integration tests through 'mvn verify'");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }
}
