package dev.notebookchat.it;

import dev.notebookchat.provider.fake.FakeProviderServer;
import dev.notebookchat.provider.fake.RecordedRequest;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * The fake provider for one test class, where the integration-test server's providers expect it
 * ({@link FakeProviders}): started before the class's first test, closed after its last.
 * <pre>{@code @RegisterExtension static final FakeProvider fake = new FakeProvider();}</pre>
 */
public final class FakeProvider implements BeforeAllCallback, AfterAllCallback {

    private final int backlog;
    private FakeProviderServer server;

    public FakeProvider() {
        this(50);
    }

    /** With room for {@code backlog} connections waiting to be accepted (see {@link FakeProviders#start(int)}). */
    public FakeProvider(int backlog) {
        this.backlog = backlog;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = FakeProviders.start(backlog);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Every request the fake received, in order. */
    public List<RecordedRequest> requests() {
        return running().requests();
    }

    /** The requests for {@code model}, as the provider saw the model's name (without the provider part). */
    public List<RecordedRequest> requestsFor(String model) {
        return running().requestsFor(model);
    }

    private FakeProviderServer running() {
        if (server == null) {
            throw new IllegalStateException("the fake provider runs only while its test class does");
        }
        return server;
    }
}
