package dev.notebookchat.provider.control;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Placeholder registry until the provider adapters land: only the local model. */
@ApplicationScoped
public class Providers {

    public record ModelRef(String provider, String model) {
        public static ModelRef parse(String id) {
            int slash = id == null ? -1 : id.indexOf('/');
            if (slash <= 0 || slash == id.length() - 1) {
                throw new IllegalArgumentException("A model is named provider/model, e.g. local/extractive.");
            }
            return new ModelRef(id.substring(0, slash), id.substring(slash + 1));
        }

        public String id() {
            return provider + "/" + model;
        }
    }

    public record ProviderInfo(String name, String displayName, boolean needsKey, boolean streaming) {
    }

    @jakarta.annotation.Resource
    jakarta.enterprise.concurrent.ManagedScheduledExecutorService scheduler;

    public Optional<ChatProvider> provider(String name) {
        return "local".equals(name) ? Optional.of(new LocalExtractive(scheduler, java.time.Duration.ofMillis(20))) : Optional.empty();
    }

    public URI baseUrl(String provider) {
        return URI.create("http://localhost");
    }

    public Optional<String> serverKey(String provider) {
        return Optional.empty();
    }

    public boolean needsKey(String provider) {
        return !"local".equals(provider) && !"ollama".equals(provider);
    }

    public boolean streaming(ModelRef model) {
        return true;
    }

    public List<ProviderInfo> providers() {
        return List.of(new ProviderInfo("local", "Local (extractive)", false, true));
    }

    public List<ModelRef> models() {
        return List.of(new ModelRef("local", "extractive"));
    }
}
