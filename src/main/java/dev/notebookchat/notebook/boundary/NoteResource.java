package dev.notebookchat.notebook.boundary;

import dev.notebookchat.notebook.boundary.NotesResource.NoteJson;
import dev.notebookchat.notebook.control.Notes;
import dev.notebookchat.notebook.entity.Note;
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

@Path("notes/{id}")
@ApplicationScoped
@Transactional(dontRollbackOn = WebApplicationException.class)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NoteResource {

    @Inject
    Notes notes;

    @Inject
    CurrentUser user;

    public record NoteChanges(@Size(min = 1, max = 200) @Pattern(regexp = ValidText.NOT_BLANK, message = "must not be blank") @ValidText String title,
                                @ValidText String content) {
    }

    @GET
    public NoteJson one(@PathParam("id") String id) {
        return NoteJson.of(notes.get(user.id(), id));
    }

    @PUT
    public NoteJson update(@PathParam("id") String id,
                             @NotNull(message = ApiError.BODY_REQUIRED) @Valid NoteChanges changes) {
        Note note = notes.get(user.id(), id);
        notes.update(note, changes.title() == null ? null : changes.title().strip(),
                check("The note", changes.content()));
        return NoteJson.of(note);
    }

    @DELETE
    public Response delete(@PathParam("id") String id) {
        notes.delete(notes.get(user.id(), id));
        return Response.noContent().build();
    }
}
