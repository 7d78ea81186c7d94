package dev.notebookchat.chat.boundary;

import dev.notebookchat.chat.control.ChatSessions;
import dev.notebookchat.chat.control.Turns;
import dev.notebookchat.chat.entity.ChatMessage;
import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.chat.entity.ChatSession;
import dev.notebookchat.notebook.control.Notebooks;
import dev.notebookchat.platform.ValidText;
import dev.notebookchat.problems.ApiError;
import dev.notebookchat.provider.spi.ModelRef;
import dev.notebookchat.security.control.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.time.Instant;
import java.util.List;
import java.util.Map;

@Path("chat/sessions")
@ApplicationScoped
@Transactional(dontRollbackOn = WebApplicationException.class)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ChatSessionsResource {

    @Inject
    Notebooks notebooks;

    @Inject
    ChatSessions sessions;

    @Inject
    CurrentUser user;

    @Inject
    Turns turns;

    @Inject
    EventStreams streams;

    public record NewSession(@NotBlank String notebookId,
                             @Size(min = 1, max = 200) @Pattern(regexp = ValidText.NOT_BLANK, message = "must not be blank") @ValidText String title,
                             @Size(max = 200) @ValidText String modelOverride) {
    }

    /** An empty {@code model_override} clears it. The model's syntax is ModelRef's, checked in {@link #modelName}. */
    public record SessionChanges(@Size(min = 1, max = 200) @Pattern(regexp = ValidText.NOT_BLANK, message = "must not be blank") @ValidText String title,
                                 @Size(max = 200) @ValidText String modelOverride) {
    }

    public record SessionJson(String id, String notebookId, String title, Instant created, Instant updated,
                              long messageCount, String modelOverride) {
        static SessionJson of(ChatSession s, long messageCount) {
            return new SessionJson(s.id(), s.notebook().id(), s.title(), s.created().toInstant(), s.updated().toInstant(),
                    messageCount, s.modelOverride());
        }
    }

    public record UsageJson(Integer inputTokens, Integer outputTokens) {
    }

    /** {@code citations}: the passages the answer draws on, as its {@code complete} event listed them; empty when none. */
    public record MessageJson(String id, String type, String content, Instant timestamp, String status, String model,
                              UsageJson usage, JsonArray citations) {
        static MessageJson of(ChatMessage m) {
            UsageJson usage = m.inputTokens() == null && m.outputTokens() == null ? null
                    : new UsageJson(m.inputTokens(), m.outputTokens());
            return new MessageJson(m.id(), m.type().name(), m.content(), m.created().toInstant(), m.status().name(),
                    m.model(), usage, Citation.toJson(m.citations()));
        }
    }

    public record SessionWithMessagesJson(String id, String notebookId, String title, Instant created, Instant updated,
                                          long messageCount, String modelOverride, List<MessageJson> messages) {
        static SessionWithMessagesJson of(ChatSession s, List<ChatMessage> messages) {
            return new SessionWithMessagesJson(s.id(), s.notebook().id(), s.title(), s.created().toInstant(),
                    s.updated().toInstant(), messages.size(), s.modelOverride(),
                    messages.stream().map(MessageJson::of).toList());
        }
    }

    @POST
    public Response create(@NotNull(message = ApiError.BODY_REQUIRED) @Valid NewSession request) {
        var notebook = notebooks.get(user.id(), request.notebookId());
        modelName(request.modelOverride());
        ChatSession session = sessions.create(notebook, request.title() == null ? null : request.title().strip(),
                request.modelOverride());
        return Response.status(Response.Status.CREATED).entity(SessionJson.of(session, 0)).build();
    }

    @GET
    public List<SessionJson> all(@QueryParam("notebook_id") String notebookId) {
        if (notebookId == null || notebookId.isBlank()) {
            throw new BadRequestException("The query parameter notebook_id is required.");
        }
        var notebook = notebooks.get(user.id(), notebookId);
        Map<String, Long> counts = sessions.messageCounts(notebook);
        return sessions.of(notebook).stream().map(s -> SessionJson.of(s, counts.getOrDefault(s.id(), 0L))).toList();
    }

    @GET
    @Path("{id}")
    public SessionWithMessagesJson one(@PathParam("id") String id) {
        ChatSession session = sessions.get(user.id(), id);
        return SessionWithMessagesJson.of(session, sessions.messages(session));
    }

    @PUT
    @Path("{id}")
    public SessionJson update(@PathParam("id") String id, @NotNull(message = ApiError.BODY_REQUIRED) @Valid SessionChanges changes) {
        ChatSession session = sessions.get(user.id(), id);
        // Checked before anything changes: a refusal does not roll the title back.
        if (changes.modelOverride() != null && !changes.modelOverride().isEmpty()) {
            modelName(changes.modelOverride());
        }
        if (changes.title() != null) {
            session.retitle(changes.title().strip());
        }
        if (changes.modelOverride() != null) {
            session.overrideModel(changes.modelOverride());
        }
        return SessionJson.of(session, sessions.messages(session).size());
    }

    /** A model the session is to use is refused now, with the words a turn would use, not at every turn after. */
    private static void modelName(String model) {
        if (model != null) {
            try {
                ModelRef.parse(model);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(ModelRef.refusal(model, e));
            }
        }
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        ChatSession session = sessions.get(user.id(), id);
        turns.stopBeforeDelete(session.id());
        sessions.delete(session);
        return Response.noContent().build();
    }

    public record StopJson(String sessionId, String messageId) {
    }

    /** Aborts the provider request; the stream then ends with the partial answer and {@code finish_reason: stopped}. */
    @POST
    @Path("{id}/stop")
    public Response stop(@PathParam("id") String id) {
        ChatSession session = sessions.get(user.id(), id);
        String answerId = turns.stop(session.id())
                .orElseThrow(() -> new ClientErrorException("No turn is running in this chat session.", Response.Status.CONFLICT));
        return Response.accepted(new StopJson(session.id(), answerId)).build();
    }

    /**
     * Follows the session's latest turn: replays its events after {@code Last-Event-ID} (all of them
     * without the header), then goes on live until it ends; a finished turn is replayed and closed.
     * Resuming past the end of a finished turn sends its terminal events.
     */
    @GET
    @Path("{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void follow(@PathParam("id") String id, @HeaderParam(HttpHeaders.LAST_EVENT_ID_HEADER) String lastEventId,
                       @Context SseEventSink sink, @Context Sse sse, @Context HttpServletResponse response) {
        long from = eventIndexAfter(lastEventId);
        ChatSession session = sessions.get(user.id(), id);
        streams.follow(user.id(), () -> turns.latest(session).orElseThrow(() -> new NotFoundException("This chat session has no turn yet.")),
                from, sink, sse, response);
    }

    private static long eventIndexAfter(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return 0;
        }
        try {
            long id = Long.parseLong(lastEventId.strip());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new BadRequestException("Last-Event-ID must be the id of an event of this stream (a whole number).");
        }
    }
}
