package dev.notebookchat.provider.boundary;

import dev.notebookchat.provider.control.Providers;
import dev.notebookchat.security.control.Credentials;
import dev.notebookchat.security.control.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Set;

/** Which providers this user can use, and the models to pick from. */
@Path("models")
@ApplicationScoped
@Transactional(dontRollbackOn = WebApplicationException.class)
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    @Inject
    Providers providers;

    @Inject
    Credentials credentials;

    @Inject
    CurrentUser user;

    /** {@code streaming} stays in the contract for clients; every provider streams (single models may answer whole). */
    public record ProviderJson(String name, String displayName, boolean available, boolean streaming) {
    }

    public record ModelJson(String id, String provider, String name) {
    }

    @GET
    @Path("providers")
    public List<ProviderJson> providers() {
        Set<String> ownKeys = credentials.providersWithKey(user.id());
        return providers.providers().stream()
                .map(p -> new ProviderJson(p.name(), p.displayName(),
                        !p.needsKey() || ownKeys.contains(p.name()) || providers.serverKey(p.name()).isPresent(),
                        true))
                .toList();
    }

    @GET
    public List<ModelJson> models() {
        return providers.models().stream().map(m -> new ModelJson(m.id(), m.provider(), m.model())).toList();
    }
}
