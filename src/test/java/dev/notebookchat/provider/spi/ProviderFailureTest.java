package dev.notebookchat.provider.spi;

import dev.notebookchat.provider.http.Ollama;
import dev.notebookchat.provider.spi.ProviderFailure.Kind;
import dev.notebookchat.provider.spi.ProviderRequest.PromptMessage;
import dev.notebookchat.provider.spi.ProviderRequest.Role;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one mapping from what went wrong to what the user reads. */
class ProviderFailureTest {

    static final String KEY = "mistral-Kx93hQ2LpV7wZ4rT8yN1";

    static ProviderRequest request(String base) {
        return new ProviderRequest("some-model", URI.create(base), KEY, "", List.of(new PromptMessage(Role.USER, "hi")), List.of(), true);
    }

    static final ProviderRequest REQUEST = request("https://api.mistral.ai/v1");

    @Test
    void rejectedKeyNamesTheProviderAndWhereToFixIt() {
        ProviderFailure failure = ProviderFailure.fromStatus("openai", REQUEST, 401,
                "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}", 1);
        assertEquals(Kind.AUTHENTICATION, failure.kind());
        assertEquals("The OpenAI API key was rejected (HTTP 401). Check the key in Settings.", failure.message());
    }

    @Test
    void forbiddenKeepsTheProvidersReasonButMasksTheKey() {
        ProviderFailure failure = ProviderFailure.fromStatus("openrouter", REQUEST, 403,
                "{\"error\":{\"code\":403,\"message\":\"Key " + KEY + " is disabled\"}}", 1);
        assertEquals(Kind.AUTHENTICATION, failure.kind());
        assertEquals("The OpenRouter API key was rejected (HTTP 403). Check the key in Settings. OpenRouter said: Key **** is disabled",
                failure.message());
    }

    @Test
    void geminisInvalidKeyAnswerIsAnAuthenticationFailure() {
        ProviderFailure failure = ProviderFailure.fromStatus("google", REQUEST, 400,
                "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\","
                        + "\"details\":[{\"reason\":\"API_KEY_INVALID\"}]}}", 1);
        assertEquals(Kind.AUTHENTICATION, failure.kind());
        assertTrue(failure.message().startsWith("The Google Gemini API key was rejected (HTTP 400)."), failure.message());
    }

    @Test
    void unknownModelNamesTheModel() {
        ProviderFailure failure = ProviderFailure.fromStatus("ollama", REQUEST, 404,
                "{\"error\":\"model \\\"some-model\\\" not found, try pulling it first\"}", 1);
        assertEquals(Kind.NOT_FOUND, failure.kind());
        assertEquals("Ollama does not know the model \"some-model\" (HTTP 404). Check the model name or pick another model."
                + " Ollama said: model \"some-model\" not found, try pulling it first", failure.message());
    }

    @Test
    void validationErrorsQuoteTheProvidersOwnWords() {
        String mistral422 = "{\"object\":\"error\",\"message\":{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"stream_options\"],"
                + "\"msg\":\"Extra inputs are not permitted\",\"input\":true}]},\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}";
        ProviderFailure failure = ProviderFailure.fromStatus("mistral", REQUEST, 422, mistral422, 1);
        assertEquals(Kind.BAD_REQUEST, failure.kind());
        assertEquals("Mistral rejected the request (HTTP 422): Extra inputs are not permitted", failure.message());
    }

    @Test
    void busyProvidersSayHowOftenTheyWereTried() {
        ProviderFailure limited = ProviderFailure.fromStatus("groq", REQUEST, 429, "{\"error\":{\"message\":\"Rate limit reached\"}}", 3);
        assertEquals(Kind.RATE_LIMITED, limited.kind());
        assertEquals("Groq is limiting requests (HTTP 429) and still was after 3 attempts. Wait a moment and try again."
                + " Groq said: Rate limit reached", limited.message());

        ProviderFailure overloaded = ProviderFailure.fromStatus("anthropic", REQUEST, 529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", 3);
        assertEquals(Kind.UNAVAILABLE, overloaded.kind());
        assertTrue(overloaded.message().startsWith("Anthropic is overloaded or unavailable (HTTP 529) and still was after 3 attempts."),
                overloaded.message());
    }

    @Test
    void aProxysHtmlPageIsNotQuoted() {
        ProviderFailure failure = ProviderFailure.fromStatus("deepseek", REQUEST, 502, "<html><body>Bad gateway</body></html>", 1);
        assertEquals("DeepSeek is overloaded or unavailable (HTTP 502). Try again later.", failure.message());
    }

    @Test
    void retriesOnlyWhereTheProviderIsBusy() {
        for (int status : new int[] {408, 429, 500, 502, 503, 504, 529}) {
            assertTrue(ProviderFailure.retryable(status), "retry " + status);
        }
        for (int status : new int[] {400, 401, 402, 403, 404, 422}) {
            assertFalse(ProviderFailure.retryable(status), "no retry " + status);
        }
    }

    @Test
    void refusedConnectionSaysWhereItTried() {
        ProviderFailure failure = ProviderFailure.connection("ollama", request("http://localhost:11434"),
                new CompletionException(new ConnectException()));
        assertEquals(Kind.CONNECTION, failure.kind());
        assertEquals("Could not reach Ollama at localhost:11434 (connection refused). "
                + "Check the Ollama base URL and that the service is running.", failure.message());

        ProviderFailure timedOut = ProviderFailure.connection("openai", request("https://api.openai.com/v1"),
                new HttpConnectTimeoutException("HTTP connect timed out"));
        assertTrue(timedOut.message().startsWith("Could not reach OpenAI at api.openai.com:443 (connection timed out)."), timedOut.message());
    }

    @Test
    void masksTheKeyAndAnyPieceOfIt() {
        assertEquals("key ****.", ProviderFailure.mask("key " + KEY + ".", KEY));
        assertEquals("ends ****", ProviderFailure.mask("ends " + KEY.substring(KEY.length() - 9), KEY));
        assertEquals("provided: ****.", ProviderFailure.mask("provided: sk-proj-abc1**********************xyz9.", "unrelated"));
        assertEquals("AIza ****", ProviderFailure.mask("AIza AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", null));
        assertEquals("nothing secret", ProviderFailure.mask("nothing secret", KEY));
    }

    @Test
    void everyMessageIsMasked() {
        String withKey = "request " + KEY + " failed";
        assertFalse(ProviderFailure.inBand("mistral", REQUEST, withKey).message().contains(KEY.substring(10, 18)));
        assertFalse(ProviderFailure.protocol("mistral", REQUEST, withKey).message().contains(KEY.substring(10, 18)));
        assertFalse(ProviderFailure.connection("mistral", REQUEST, new IOException(withKey)).message().contains(KEY.substring(10, 18)));
        assertFalse(ProviderFailure.fromStatus("mistral", REQUEST, 400, withKey, 1).message().contains(KEY.substring(10, 18)));
    }

    @Test
    void idleMessagesTellBeforeFromDuring() {
        assertEquals("OpenAI did not start answering within 60 s, so the request was abandoned. Try again later.",
                ProviderFailure.idle("openai", Duration.ofSeconds(60), false).message());
        assertEquals("OpenAI paused for 0.3 s in the middle of the answer, so the connection was closed. The partial answer was kept.",
                ProviderFailure.idle("openai", Duration.ofMillis(300), true).message());
    }

    @Test
    void anAnswerWithoutTextSaysWhatCameInsteadWithTheKeyMasked() {
        assertEquals("Ollama sent no answer Notebook Chat could read; its response began: {\"response\":\"Tea.\",\"done\":true}."
                        + " Check the Ollama base URL and the model name.",
                ProviderFailure.unrecognised("ollama", REQUEST, null, "{\"response\":\"Tea.\",\"done\":true}").message());
        assertEquals("OpenAI ended the answer (stop) without any answer text Notebook Chat could read."
                        + " Check the OpenAI base URL and the model name.",
                ProviderFailure.unrecognised("openai", REQUEST, "stop", "").message());
        assertFalse(ProviderFailure.unrecognised("openai", REQUEST, null, "data: " + KEY).message().contains(KEY.substring(10, 18)));
    }

    @Test
    void truncationKeepsThePartialAnswer() {
        assertEquals("The Anthropic answer stopped before it was finished: the stream ended without its end marker. The partial answer was kept.",
                ProviderFailure.truncated("anthropic", null).message());
    }
}
