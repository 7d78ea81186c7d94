package dev.notebookchat.security.boundary;

import dev.notebookchat.provider.control.Providers;
import dev.notebookchat.provider.spi.ModelRef;
import dev.notebookchat.provider.spi.ProviderSettings;
import dev.notebookchat.security.control.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.Config;

import java.util.List;

/**
 * What an operator checks about a running server without reading its environment: where each provider
 * is reached, whether it has a server-wide key (never the key), the models offered and the limits.
 * Only for members of {@code notebookchat.admin-group}.
 */
@Path("admin")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    @Inject
    CurrentUser user;

    @Inject
    Providers providers;

    @Inject
    Config config;

    public record ProviderSetting(String name, String displayName, String baseUrl, boolean serverKey) {
    }

    public record Limits(int maxRunningTurns, int maxAnswerCharacters, int historyMessages, double streamHeartbeatSeconds,
                         double firstTokenTimeoutSeconds, double betweenTokensTimeoutSeconds, int retryMaxAttempts) {
    }

    public record Settings(List<ProviderSetting> providers, List<String> models, String defaultModel, Limits limits) {
    }

    @GET
    @Path("settings")
    public Settings settings() {
        user.requireAdmin();
        ProviderSettings patience = providers.settings();
        return new Settings(
                providers.providers().stream()
                        .map(p -> new ProviderSetting(p.name(), p.displayName(), providers.baseUrl(p.name()).toString(),
                                providers.serverKey(p.name()).isPresent()))
                        .toList(),
                providers.models().stream().map(ModelRef::id).toList(),
                setting("notebookchat.default-model", String.class, "local/extractive"),
                new Limits(
                        setting("notebookchat.chat.max-running-turns", Integer.class, 200),
                        setting("notebookchat.chat.max-answer-characters", Integer.class, 200_000),
                        setting("notebookchat.chat.history-messages", Integer.class, 20),
                        setting("notebookchat.stream.heartbeat", Double.class, 15.0),
                        patience.firstTokenTimeout().toMillis() / 1000.0,
                        patience.betweenTokensTimeout().toMillis() / 1000.0,
                        patience.maxAttempts()));
    }

    /** The defaults are those of the code that uses each setting (README, Configuration). */
    private <T> T setting(String name, Class<T> type, T fallback) {
        return config.getOptionalValue(name, type).orElse(fallback);
    }
}
