package dev.notebookchat.provider.http;

import dev.notebookchat.provider.spi.Usage;
import jakarta.json.Json;
import jakarta.json.JsonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One streamed chunk of the OpenAI wire format, read without building the fields nobody uses. */
class OpenAiChunkTest {

    @Test
    void aTokenChunkGivesItsTextAndStepsOverEverythingElse() {
        OpenAiChunk chunk = OpenAiChunk.read("""
                {"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1764177000,"model":"gpt-4o-mini",
                 "system_fingerprint":"fp_1","service_tier":null,
                 "choices":[{"index":0,"delta":{"role":"assistant","content":"Hel","refusal":null},
                   "logprobs":{"content":[{"token":"Hel","logprob":-0.1,"bytes":[72,101,108],"top_logprobs":[]}]},
                   "finish_reason":null}],
                 "usage":null}""");

        assertEquals(new OpenAiChunk(null, null, true, "Hel", null, null, null), chunk);
    }

    @Test
    void theLastChunksCarryTheFinishReasonAndTheUsage() {
        assertEquals(new OpenAiChunk(null, null, true, null, null, null, "stop"),
                OpenAiChunk.read("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"));
        assertEquals(new OpenAiChunk(null, new Usage(12, 5), false, null, null, null, null),
                OpenAiChunk.read("{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}"));
    }

    @Test
    void groqsOlderUsageCountsOnlyWithoutUsage() {
        assertEquals(new Usage(7, 3), OpenAiChunk.read(
                "{\"x_groq\":{\"id\":\"req_1\",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}},\"choices\":[]}").usage());
        assertEquals(new Usage(1, 2), OpenAiChunk.read(
                "{\"x_groq\":{\"usage\":{\"prompt_tokens\":7}},\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}").usage());
        assertEquals(new Usage(7, null), OpenAiChunk.read(
                "{\"usage\":\"n/a\",\"x_groq\":{\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":\"3\"}}}").usage());
        assertEquals(null, OpenAiChunk.read("{\"x_groq\":{\"id\":\"req_1\"}}").usage());
    }

    @Test
    void reasoningArrivesBesideTheAnswer() {
        assertEquals(new OpenAiChunk(null, null, true, null, "Let me think", "First,", null),
                OpenAiChunk.read("{\"choices\":[{\"delta\":{\"content\":null,\"reasoning\":\"Let me think\",\"reasoning_content\":\"First,\"}}]}"));
    }

    @Test
    void anErrorIsKeptWholeWhetherObjectOrString() {
        assertEquals(Json.createObjectBuilder().add("message", "Rate limit reached").add("code", 429).build(),
                OpenAiChunk.read("{\"error\":{\"message\":\"Rate limit reached\",\"code\":429}}").error());
        assertEquals(Json.createValue("overloaded"), OpenAiChunk.read("{\"error\":\"overloaded\",\"choices\":[]}").error());
        assertEquals(null, OpenAiChunk.read("{\"error\":null,\"choices\":[]}").error());
    }

    @Test
    void fieldsOfAnotherTypeReadAsAbsent() {
        OpenAiChunk none = new OpenAiChunk(null, null, false, null, null, null, null);
        assertEquals(none, OpenAiChunk.read("{}"));
        assertEquals(none, OpenAiChunk.read("{\"choices\":{\"delta\":{\"content\":\"x\"}}}"));
        assertEquals(none, OpenAiChunk.read("{\"choices\":[\"x\",{\"delta\":{\"content\":\"y\"}}]}"));
        assertEquals(none, OpenAiChunk.read("{\"choices\":null}"));
        assertEquals(new OpenAiChunk(null, null, true, null, null, null, null),
                OpenAiChunk.read("{\"choices\":[{\"delta\":\"x\",\"finish_reason\":42}]}"));
        assertEquals(new OpenAiChunk(null, null, true, null, null, null, null),
                OpenAiChunk.read("{\"choices\":[{\"delta\":{\"content\":[\"a\",{\"b\":[]}],\"reasoning\":{\"text\":\"x\"}}}]}"));
    }

    @Test
    void onlyTheFirstChoiceCounts() {
        assertEquals(new OpenAiChunk(null, null, true, "first", null, null, null), OpenAiChunk.read(
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first\"}},{\"index\":1,\"delta\":{\"content\":\"second\"},\"finish_reason\":\"stop\"}]}"));
    }

    @Test
    void ofAFieldGivenTwiceTheLastCounts() {
        assertEquals(new OpenAiChunk(null, null, true, "b", null, null, null),
                OpenAiChunk.read("{\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"x\"}],\"choices\":[{\"delta\":{\"content\":\"b\"}}]}"));
        assertEquals(new OpenAiChunk(null, null, true, null, "r", null, "stop"),
                OpenAiChunk.read("{\"choices\":[{\"delta\":{\"content\":\"a\"},\"delta\":{\"reasoning\":\"r\"},\"finish_reason\":\"stop\"}]}"));
        assertEquals(null, OpenAiChunk.read("{\"error\":\"x\",\"error\":null}").error());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "[DONE", "[]", "\"text\"", "42", "null",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]", "{\"choices\":[{\"delta\":{\"content\":\"a\"", "{\"a\":[1,{\"b\":2}",
            "{\"choices\":[]} {}", "{\"choices\":[]}]", "{\"id\":}", "{\"id\" \"x\"}", "{'id':'x'}"})
    void textThatIsNotOneJsonObjectIsRefused(String data) {
        assertThrows(JsonException.class, () -> OpenAiChunk.read(data));
    }
}
