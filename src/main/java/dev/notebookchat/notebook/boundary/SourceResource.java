package dev.notebookchat.notebook.boundary;

import dev.notebookchat.notebook.boundary.SourcesResource.SourceJson;
import dev.notebookchat.notebook.control.Sources;
import dev.notebookchat.notebook.entity.Source;
import dev.notebookchat.platform.ValidText;
import dev.notebookchat.problems.ApiError;
import dev.notebookchat.security.control.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import static dev.notebookchat.notebook.control.ContentLimit.check;

@Path("sources/{id}")
@ApplicationScoped
@Transactional(dontRollbackOn = WebApplicationException.class)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SourceResource {

    @Inject
    Sources sources;

    @Inject
    CurrentUser user;

    public record SourceChanges(@Size(min = 1, max = 200) @Pattern(regexp = ValidText.NOT_BLANK, message = "must not be blank") @ValidText String title,
                                @ValidText String content,
                                @ValidText String summary) {
    }

    @GET
    public SourceJson one(@PathParam("id") String id) {
        return SourceJson.of(sources.get(user.id(), id));
    }

    @PUT
    public SourceJson update(@PathParam("id") String id,
                             @NotNull(message = ApiError.BODY_REQUIRED) @Valid SourceChanges changes) {
        Source source = sources.get(user.id(), id);
        sources.update(source, changes.title() == null ? null : changes.title().strip(),
                check("The source", changes.content()), check("The summary", changes.summary()));
        return SourceJson.of(source);
    }

    @DELETE
    public Response delete(@PathParam("id") String id) {
        sources.delete(sources.get(user.id(), id));
        return Response.noContent().build();
    }
}
