package dev.notebookchat.chat.boundary;

import dev.notebookchat.chat.boundary.ChatSessionsResource.SessionWithMessagesJson;
import dev.notebookchat.chat.control.ChatHistory;
import dev.notebookchat.chat.control.Turn;
import dev.notebookchat.chat.control.Turns;
import dev.notebookchat.chat.entity.ChatEvent;
import dev.notebookchat.chat.entity.ContextConfig;
import dev.notebookchat.platform.ValidText;
import dev.notebookchat.problems.ApiError;
import dev.notebookchat.problems.TurnFailures;
import dev.notebookchat.security.control.CurrentUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.List;

/**
 * Runs a turn: streamed as Server-Sent Events, or answered whole once it is over. Everything that
 * can be refused is refused before the first event, as a JSON error; after it, failures are
 * {@code error} events. No transaction here: starting a turn takes one of its own
 * ({@code TurnSetup}), and none may be open while the provider streams.
 */
@Path("chat/execute")
@ApplicationScoped
@Consumes(MediaType.APPLICATION_JSON)
public class ChatStreamResource {

    @Inject
    Turns turns;

    @Inject
    ChatHistory history;

    @Inject
    CurrentUser user;

    @Inject
    EventStreams streams;

    public record ExecuteRequest(@NotBlank String sessionId,
                                 @NotNull @Size(min = 1, max = 32_000)
                                 @Pattern(regexp = ValidText.NOT_BLANK, message = "must not be only whitespace") @ValidText String message,
                                 @Valid ContextConfig contextConfig,
                                 @Size(max = 200) @ValidText String modelOverride) {

        Turns.Request toTurn() {
            return new Turns.Request(sessionId, message, contextConfig, modelOverride);
        }
    }

    public record ExecuteJson(String sessionId, List<ChatSessionsResource.MessageJson> messages) {
    }

    @POST
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@NotNull(message = ApiError.BODY_REQUIRED) @Valid ExecuteRequest request,
                       @Context SseEventSink sink, @Context Sse sse, @Context HttpServletResponse response) {
        streams.follow(user.id(), () -> turns.start(user.id(), request.toTurn()), 0, sink, sse, response);
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public void execute(@NotNull(message = ApiError.BODY_REQUIRED) @Valid ExecuteRequest request,
                        @Suspended AsyncResponse response) {
        Turn turn = turns.start(user.id(), request.toTurn());
        turn.finished().thenAccept(last -> {
            try {
                response.resume(answer(turn, last));
            } catch (RuntimeException e) {
                // never leave the client waiting: the error mapping answers (503 for the database)
                response.resume(e);
            }
        });
    }

    /** The whole conversation once the turn is over; its failure with the turn's own words and the status its cause earns. */
    private Object answer(Turn turn, ChatEvent last) {
        if (last instanceof ChatEvent.Error error) {
            return TurnFailures.response(error);
        }
        var snapshot = history.snapshot(turn.sessionId());
        if (snapshot.session() == null) {
            return ApiError.response(404, "The chat session was deleted while it answered.");
        }
        var session = SessionWithMessagesJson.of(snapshot.session(), snapshot.messages());
        return new ExecuteJson(session.id(), session.messages());
    }
}
