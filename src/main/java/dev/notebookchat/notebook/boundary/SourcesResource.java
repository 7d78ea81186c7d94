package dev.notebookchat.notebook.boundary;

import dev.notebookchat.notebook.control.Notebooks;
import dev.notebookchat.notebook.control.Sources;
import dev.notebookchat.notebook.entity.IndexStatus;
import dev.notebookchat.notebook.entity.Source;
import dev.notebookchat.platform.ValidText;
import dev.notebookchat.problems.ApiError;
import dev.notebookchat.security.control.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;

import static dev.notebookchat.notebook.control.ContentLimit.check;

/** The sources of one notebook; a single source is addressed by {@link SourceResource}. */
@Path("notebooks/{notebookId}/sources")
@ApplicationScoped
@Transactional(dontRollbackOn = WebApplicationException.class)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SourcesResource {

    @Inject
    Notebooks notebooks;

    @Inject
    Sources sources;

    @Inject
    CurrentUser user;

    public record NewSource(@NotBlank @Size(max = 200) @Pattern(regexp = ValidText.NOT_BLANK, message = "must not be blank") @ValidText String title,
                            @NotNull @ValidText String content,
                            @ValidText String summary) {
    }

    public record SourceJson(String id, String notebookId, String title, String content, String summary,
                             Instant created, Instant updated, IndexStatus status) {
        static SourceJson of(Source s) {
            return new SourceJson(s.id(), s.notebook().id(), s.title(), s.content(), s.summary(),
                    s.created().toInstant(), s.updated().toInstant(), s.status());
        }
    }

    @POST
    public Response add(@PathParam("notebookId") String notebookId,
                        @NotNull(message = ApiError.BODY_REQUIRED) @Valid NewSource request) {
        var notebook = notebooks.get(user.id(), notebookId);
        Source source = sources.add(notebook, request.title().strip(), check("The source", request.content()),
                check("The summary", request.summary()));
        return Response.status(Response.Status.CREATED).entity(SourceJson.of(source)).build();
    }

    @GET
    public List<SourceJson> all(@PathParam("notebookId") String notebookId) {
        return sources.of(notebooks.get(user.id(), notebookId)).stream().map(SourceJson::of).toList();
    }
}
