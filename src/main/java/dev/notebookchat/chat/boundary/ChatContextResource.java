package dev.notebookchat.chat.boundary;

import dev.notebookchat.chat.control.NotebookContexts;
import dev.notebookchat.chat.entity.ContextConfig;
import dev.notebookchat.chat.entity.NotebookContext;
import dev.notebookchat.notebook.control.Notebooks;
import dev.notebookchat.problems.ApiError;
import dev.notebookchat.security.control.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** Shows what a turn would put before the model for a given context config, and what it costs. */
@Path("chat/context")
@ApplicationScoped
@Transactional(dontRollbackOn = WebApplicationException.class)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ChatContextResource {

    @Inject
    Notebooks notebooks;

    @Inject
    NotebookContexts contexts;

    @Inject
    CurrentUser user;


    public record ContextRequest(@NotBlank String notebookId, ContextConfig contextConfig) {
    }

    /** A preview reports a selection over the budget ({@code over_budget}) rather than refusing it: it is how the user finds out what to leave out. */
    public record ContextJson(Items context, int tokenCount, int charCount, long charBudget, boolean overBudget) {
    }

    public record Items(List<NotebookContext.Item> sources, List<NotebookContext.Item> notes) {
    }

    @POST
    public ContextJson context(@NotNull(message = ApiError.BODY_REQUIRED) @Valid ContextRequest request) {
        NotebookContext context = contexts.of(notebooks.get(user.id(), request.notebookId()), request.contextConfig());
        return new ContextJson(new Items(context.sources(), context.notes()), context.tokenCount(), context.charCount(),
                contexts.budget(), context.charCount() > contexts.budget());
    }
}
