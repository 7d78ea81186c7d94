package dev.notebookchat.notebook.boundary;

import dev.notebookchat.notebook.control.Notebooks;
import dev.notebookchat.notebook.entity.Notebook;
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
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;

@Path("notebooks")
@ApplicationScoped
@Transactional(dontRollbackOn = WebApplicationException.class)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NotebooksResource {

    @Inject
    Notebooks notebooks;

    @Inject
    CurrentUser user;

    public record NewNotebook(@NotBlank @Size(max = 200) @Pattern(regexp = ValidText.NOT_BLANK, message = "must not be blank") @ValidText String name,
                              @Size(max = 10_000) @ValidText String description) {
    }

    public record NotebookChanges(@Size(min = 1, max = 200) @Pattern(regexp = ValidText.NOT_BLANK, message = "must not be blank") @ValidText String name,
                                  @Size(max = 10_000) @ValidText String description) {
    }

    public record NotebookJson(String id, String name, String description, Instant created, Instant updated) {
        static NotebookJson of(Notebook n) {
            return new NotebookJson(n.id(), n.name(), n.description(), n.created().toInstant(), n.updated().toInstant());
        }
    }

    @POST
    public Response create(@NotNull(message = ApiError.BODY_REQUIRED) @Valid NewNotebook request) {
        Notebook created = notebooks.create(user.id(), request.name().strip(), request.description());
        return Response.status(Response.Status.CREATED).entity(NotebookJson.of(created)).build();
    }

    @GET
    public List<NotebookJson> all() {
        return notebooks.all(user.id()).stream().map(NotebookJson::of).toList();
    }

    @GET
    @Path("{id}")
    public NotebookJson one(@PathParam("id") String id) {
        return NotebookJson.of(notebooks.get(user.id(), id));
    }

    @PUT
    @Path("{id}")
    public NotebookJson update(@PathParam("id") String id, @NotNull(message = ApiError.BODY_REQUIRED) @Valid NotebookChanges changes) {
        Notebook notebook = notebooks.get(user.id(), id);
        if (changes.name() != null) {
            notebook.rename(changes.name().strip());
        }
        if (changes.description() != null) {
            notebook.describe(changes.description());
        }
        return NotebookJson.of(notebook);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        notebooks.delete(notebooks.get(user.id(), id));
        return Response.noContent().build();
    }
}
