package dev.notebookchat.retrieval.boundary;

import dev.notebookchat.notebook.control.Notebooks;
import dev.notebookchat.retrieval.control.Passages;
import dev.notebookchat.retrieval.control.Passages.Hit;
import dev.notebookchat.security.control.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The passages of a notebook closest to a question, as a turn would find them: lets a user (and a test)
 * see what retrieval finds. No transaction: it only reads, and the model must not run inside one.
 */
@Path("notebooks/{id}/passages")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class PassagesResource {

    static final int MAX_LIMIT = 50;

    @Inject
    Notebooks notebooks;

    @Inject
    Passages passages;

    @Inject
    CurrentUser user;

    @GET
    public JsonArray search(@PathParam("id") String id, @QueryParam("q") String question, @QueryParam("limit") String limit) {
        String notebookId = notebooks.get(user.id(), id).id();
        if (question == null || question.isBlank()) {
            throw new BadRequestException("The query parameter q (the question) is required.");
        }
        JsonArrayBuilder found = Json.createArrayBuilder();
        for (Hit hit : passages.searchAll(notebookId, question, limit(limit))) {
            JsonObjectBuilder passage = Json.createObjectBuilder();
            if (hit.sourceId() != null) {
                passage.add("source_id", hit.sourceId());
            } else {
                passage.add("note_id", hit.noteId());
            }
            found.add(passage.add("title", hit.title()).add("passage", hit.number()).add("text", hit.text())
                    .add("score", hit.score()));
        }
        return found.build();
    }

    private static int limit(String limit) {
        if (limit == null) {
            return 5;
        }
        try {
            int value = Integer.parseInt(limit.strip());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new BadRequestException("limit must be a whole number from 1 to " + MAX_LIMIT + ".");
    }
}
