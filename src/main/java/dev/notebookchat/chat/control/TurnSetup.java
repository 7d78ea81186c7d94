package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ChatSession;
import dev.notebookchat.chat.entity.Citation;
import dev.notebookchat.platform.Clock;
import dev.notebookchat.platform.Seconds;
import dev.notebookchat.provider.control.Providers;
import dev.notebookchat.provider.spi.ChatProvider;
import dev.notebookchat.provider.spi.ModelRef;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import dev.notebookchat.provider.spi.ProviderRequest;
import dev.notebookchat.security.control.Credentials;
import dev.notebookchat.security.control.KeyCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static jakarta.transaction.Transactional.TxType.REQUIRES_NEW;

/**
 * Checks a turn request and saves its question, all in one transaction on one pool connection:
 * a burst of turn starts as large as the pool then queues for connections instead of each holding
 * one while it waits for a second. The transaction commits before the caller starts the provider,
 * so the answer's row exists before anything can try to end it. Within it the database, too, refuses
 * a second turn in a session (the row lock of {@link ChatHistory#conversation}), for servers that share
 * one database. The session's messages are read once, for that check, the conversation the provider
 * sees and the place of the new messages.
 */
@ApplicationScoped
public class TurnSetup {

    @Inject
    NotebookContexts contexts;

    @Inject
    ChatHistory history;

    @Inject
    Providers providers;

    @Inject
    Credentials credentials;

    /** How long past the longest turn its answer may still be saving; a streaming answer older than both is a leftover. */
    static final Duration FINAL_SAVE = Duration.ofSeconds(60);

    @Inject
    @ConfigProperty(name = "notebookchat.chat.max-turn-duration", defaultValue = "600")
    double maxTurnSeconds;

    @Inject
    @ConfigProperty(name = "notebookchat.default-model", defaultValue = "local/extractive")
    String defaultModel;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.history-messages", defaultValue = "20")
    int historyMessages;

    /** Everything the provider needs, and the rows saved for the turn. */
    /**
     * {@code citations} and {@code documentPassages} as {@link Turn#cite} takes them; {@code laterCitations},
     * when not null, their lookup from the answer's text once it has ended ({@link Turn#citeLater}).
     */
    public record Prepared(String notebookId, ModelRef model, ChatProvider provider, ProviderRequest request,
                           ChatHistory.Begun begun, List<Citation> citations, List<Citation> documentPassages,
                           Function<String, List<Citation>> laterCitations) {
    }

    /**
     * Validates everything a turn needs (session, model, key, context) and saves the user's message.
     * Every refusal is an HTTP error and, since it rolls the transaction back, changes nothing. Its own
     * transaction even inside a caller's, because the provider must not start before this commits.
     */
    @Transactional(REQUIRES_NEW)
    public Prepared prepare(String owner, Turns.Request request) {
        ChatHistory.Conversation conversation = history.conversation(owner, request.sessionId(), historyMessages - 1);
        ChatSession session = conversation.session();
        if (conversation.answeringSince(Clock.now().minus(maxTurnDuration(maxTurnSeconds)).minus(FINAL_SAVE))) {
            throw new ClientErrorException("A turn is already running in this chat session. Wait for it to finish or stop it.",
                    Response.Status.CONFLICT);
        }
        ModelRef model = chooseModel(request.modelOverride(), session.modelOverride());
        // A missing key is what the user can fix, so it is reported before whether the provider can answer here.
        Providers.Call call = providers.call(model, ownKey(owner, model.provider()));
        TurnContext context = contexts.forTurn(session.notebook(), request.contextConfig(), model, request.message(),
                conversation.recent(historyMessages - 1));

        List<PromptMessage> messages = new ArrayList<>(context.history());
        messages.add(new PromptMessage(Role.USER, request.message()));
        ProviderRequest providerRequest = call.request(context.system(), messages, context.documents());
        ChatHistory.Begun begun = history.begin(conversation, request.message(), model.id());
        return new Prepared(session.notebook().id(), model, call.provider(), providerRequest, begun,
                context.citations(), context.documentPassages(), context.laterCitations());
    }

    /** {@code notebookchat.chat.max-turn-duration}, read alike where a turn is timed and where a leftover is told from a turn. */
    static Duration maxTurnDuration(double seconds) {
        return Seconds.atLeast(Duration.ofMillis(1), seconds);
    }

    /** Request, then session, then the configured default. */
    ModelRef chooseModel(String requested, String sessionDefault) {
        String chosen = requested != null && !requested.isBlank() ? requested
                : sessionDefault != null ? sessionDefault : defaultModel;
        try {
            return ModelRef.parse(chosen);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(ModelRef.refusal(chosen, e));
        }
    }

    /** The key the user stored for {@code provider}; one that cannot be decrypted any more is refused. */
    private Optional<String> ownKey(String owner, String provider) {
        try {
            return credentials.apiKey(owner, provider);
        } catch (KeyCipher.Undecryptable e) {
            throw new BadRequestException("Your stored key for provider '" + provider
                    + "' can no longer be read (the server's encryption key changed). Store the key again in Settings.");
        }
    }
}
