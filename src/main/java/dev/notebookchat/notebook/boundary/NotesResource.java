package dev.notebookchat.notebook.boundary;

import dev.notebookchat.notebook.control.Notebooks;
import dev.notebookchat.notebook.control.Notes;
import dev.notebookchat.notebook.entity.IndexStatus;
import dev.notebookchat.notebook.entity.Note;
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

/** The notes of one notebook; a single note is addressed by {@link NoteResource}. */
@Path("notebooks/{notebookId}/notes")
@ApplicationScoped
@Transactional(dontRollbackOn = WebApplicationException.class)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NotesResource {

    @Inject
    Notebooks notebooks;

    @Inject
    Notes notes;

    @Inject
    CurrentUser user;

    public record NewNote(@NotBlank @Size(max = 200) @Pattern(regexp = ValidText.NOT_BLANK, message = "must not be blank") @ValidText String title,
                            @NotNull @ValidText String content) {
    }

    public record NoteJson(String id, String notebookId, String title, String content,
                           Instant created, Instant updated, IndexStatus status) {
        static NoteJson of(Note s) {
            return new NoteJson(s.id(), s.notebook().id(), s.title(), s.content(),
                    s.created().toInstant(), s.updated().toInstant(), s.status());
        }
    }

    @POST
    public Response add(@PathParam("notebookId") String notebookId,
                        @NotNull(message = ApiError.BODY_REQUIRED) @Valid NewNote request) {
        var notebook = notebooks.get(user.id(), notebookId);
        Note note = notes.add(notebook, request.title().strip(), check("The note", request.content()));
        return Response.status(Response.Status.CREATED).entity(NoteJson.of(note)).build();
    }

    @GET
    public List<NoteJson> all(@PathParam("notebookId") String notebookId) {
        return notes.of(notebooks.get(user.id(), notebookId)).stream().map(NoteJson::of).toList();
    }
}
