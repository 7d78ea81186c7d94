package dev.notebookchat.chat.control;

import dev.notebookchat.chat.entity.ChatMessage;
import dev.notebookchat.chat.entity.ChatSession;
import dev.notebookchat.chat.entity.ContextConfig;
import dev.notebookchat.chat.entity.NotebookContext;
import dev.notebookchat.notebook.control.Notes;
import dev.notebookchat.notebook.control.Sources;
import dev.notebookchat.notebook.entity.Notebook;
import dev.notebookchat.operations.control.TurnObserver;
import dev.notebookchat.operations.control.TurnWatch;
import dev.notebookchat.provider.control.ChatProvider;
import dev.notebookchat.provider.control.ModelRef;
import dev.notebookchat.provider.control.ProviderRequest.ContextDocument;
import dev.notebookchat.provider.control.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.control.ProviderRequest.Role;
import dev.notebookchat.provider.control.ProviderRequest;
import dev.notebookchat.provider.control.Providers;
import dev.notebookchat.provider.control.Usage;
import dev.notebookchat.security.control.Credentials;
import dev.notebookchat.security.control.KeyCipher;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts turns and knows which are running: one per session at a time, and no more than the
 * configured number in all, since each holds a provider connection and its event log in memory.
 */
@ApplicationScoped
public class Turns {

    private static final Logger LOG = Logger.getLogger(Turns.class.getName());

    @Inject
    ChatSessions sessions;

    @Inject
    Sources sources;

    @Inject
    Notes notes;

    @Inject
    ChatHistory history;

    @Inject
    Providers providers;

    @Inject
    Credentials credentials;

    @Inject
    TurnObserver observer;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "notebookchat.default-model", defaultValue = "local/extractive")
    String defaultModel;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.max-running-turns", defaultValue = "200")
    int maxRunningTurns;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.max-answer-characters", defaultValue = "200000")
    int maxAnswerCharacters;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.history-messages", defaultValue = "20")
    int historyMessages;

    @Inject
    @ConfigProperty(name = "notebookchat.context.summary-characters", defaultValue = "1000")
    int summaryCharacters;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.finished-turns-kept", defaultValue = "1000")
    int finishedTurnsKept;

    @Inject
    @ConfigProperty(name = "notebookchat.chat.checkpoint-interval", defaultValue = "5")
    double checkpointSeconds;

    private Turn.Store store;
    private ScheduledFuture<?> checkpoints;

    /** One task saves the growing answers of all running turns, instead of a timer per turn. */
    @PostConstruct
    void startCheckpoints() {
        store = new Turn.Store() {
            @Override
            public void end(String answerId, String content, ChatMessage.Status status, String finishReason, Usage usage) {
                history.end(answerId, content, status, finishReason, usage);
            }

            @Override
            public void checkpoint(String answerId, String content) {
                history.checkpoint(answerId, content);
            }
        };
        long millis = Math.max(100, (long) (checkpointSeconds * 1000));
        checkpoints = scheduler.scheduleWithFixedDelay(() -> running.values().forEach(Turn::checkpoint),
                millis, millis, TimeUnit.MILLISECONDS);
    }

    private final ConcurrentMap<String, Turn> running = new ConcurrentHashMap<>();
    /** The latest finished turn of recently active sessions, so a client can still resume it by event id. */
    private final Map<String, Turn> finished = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Turn> eldest) {
            return size() > finishedTurnsKept;
        }
    });
    /** Sessions whose turn is being set up: reserved so a second request meanwhile gets its 409. */
    private final Set<String> starting = ConcurrentHashMap.newKeySet();

    /** What the caller asked for; checked here, before anything is saved or streamed. */
    public record Request(String sessionId, String message, ContextConfig contextConfig, String modelOverride) {
    }

    /**
     * Validates everything a turn needs (session, model, key, context) and saves the user's message;
     * only then does the provider start. Every refusal is an HTTP error and changes nothing.
     */
    public Turn start(String owner, Request request) {
        ChatSession session = sessions.get(owner, request.sessionId());
        ModelRef model = chooseModel(request.modelOverride(), session.modelOverride());
        if (!providers.isKnown(model.provider())) {
            throw new BadRequestException("Unknown provider '" + model.provider() + "' in model '" + model.id()
                    + "'. Known providers: " + String.join(", ", providers.providers().stream().map(p -> p.name()).toList()) + ".");
        }
        // A missing key is what the user can fix, so it is reported before whether the provider can answer here.
        String apiKey = apiKey(owner, model.provider());
        ChatProvider provider = providers.provider(model.provider());
        NotebookContext context = context(session.notebook(), request.contextConfig());

        if (running.containsKey(session.id()) || !starting.add(session.id())) {
            throw new ClientErrorException("A turn is already running in this chat session. Wait for it to finish or stop it.",
                    Response.Status.CONFLICT);
        }
        try {
            if (running.size() + starting.size() > maxRunningTurns) {
                observer.refused(model, "running_turns");
                throw new ServiceUnavailableException("The server is answering too many questions right now. Try again shortly.");
            }
            List<PromptMessage> conversation = new ArrayList<>(history.recent(session.id(), historyMessages - 1));
            conversation.add(new PromptMessage(Role.USER, request.message()));
            ProviderRequest providerRequest = new ProviderRequest(model.model(), providers.baseUrl(model.provider()), apiKey,
                    ContextBuilder.systemPrompt(context), conversation, documents(context), providers.streaming(model));

            ChatHistory.Begun begun = history.begin(session.id(), request.message(), model.id());
            TurnWatch watch = observer.watch(owner, model, session.id(), begun.answerId());
            Turn turn = new Turn(session.id(), begun.answerId(), request.message(), begun.humanTimestamp(),
                    maxAnswerCharacters, store, executor, ended -> { ended(ended); watch.ended(ended.lastEvent()); });
            running.put(session.id(), turn);
            try {
                turn.attach(provider.stream(providerRequest, watch.listening(turn)));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Provider " + model.provider() + " could not start", e);
                turn.fail("The " + model.provider() + " provider could not be started. Try again, or pick another model.");
            }
            return turn;
        } finally {
            starting.remove(session.id());
        }
    }

    public Optional<Turn> running(String sessionId) {
        return Optional.ofNullable(running.get(sessionId));
    }

    /**
     * The session's latest turn, running or finished, for a client that resumes it. A turn finished
     * before this server started is rebuilt from the saved messages.
     */
    public Optional<Turn> latest(ChatSession session) {
        Turn turn = running.get(session.id());
        if (turn == null) {
            turn = finished.get(session.id());
        }
        return turn != null ? Optional.of(turn) : history.replay(session.id());
    }

    private void ended(Turn turn) {
        finished.put(turn.sessionId(), turn);
        running.remove(turn.sessionId(), turn);
    }

    /** What a turn in this notebook puts before the model, for the given context config (or the defaults). */
    public NotebookContext context(Notebook notebook, ContextConfig config) {
        return new ContextBuilder(summaryCharacters).build(sources.of(notebook), notes.of(notebook),
                config == null ? ContextConfig.DEFAULTS : config);
    }

    /** Request, then session, then the configured default. */
    ModelRef chooseModel(String requested, String sessionDefault) {
        String chosen = requested != null && !requested.isBlank() ? requested
                : sessionDefault != null ? sessionDefault : defaultModel;
        try {
            return ModelRef.parse(chosen);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("model_override '" + chosen + "' is not a model name: " + e.getMessage());
        }
    }

    /** The user's own key wins over the server-wide one; a provider that needs a key and has none is refused. */
    private String apiKey(String owner, String provider) {
        Optional<String> own;
        try {
            own = credentials.apiKey(owner, provider);
        } catch (KeyCipher.Undecryptable e) {
            throw new BadRequestException("Your stored key for provider '" + provider
                    + "' can no longer be read (the server's encryption key changed). Store the key again in Settings.");
        }
        if (!providers.needsKey(provider)) {
            // None needed, but a configured one is sent (an Ollama behind an authenticating proxy).
            return own.or(() -> providers.serverKey(provider)).orElse(null);
        }
        return own.or(() -> providers.serverKey(provider))
                .orElseThrow(() -> new BadRequestException("No API key for provider '" + provider
                        + "': add your key in Settings (PUT /api/credentials/" + provider + ") or ask the administrator to configure one."));
    }

    private static List<ContextDocument> documents(NotebookContext context) {
        List<ContextDocument> documents = new ArrayList<>();
        context.sources().forEach(s -> documents.add(new ContextDocument(s.title(), s.content())));
        context.notes().forEach(n -> documents.add(new ContextDocument(n.title(), n.content())));
        return documents;
    }

    /** A server going down ends every turn with an error event; the partial answers are saved. */
    @PreDestroy
    void shutdown() {
        checkpoints.cancel(false);
        running.values().forEach(turn -> turn.fail("The server is shutting down. Your message and the answer so far are saved; ask again in a moment."));
    }
}
