package dev.notebookchat.operations.control;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TurnReportTest {

    @Test
    void aTurnIsOneLineOfKeyValuePairsInAFixedOrder() {
        TurnReport report = new TurnReport("s-1", "m-2", "alice@example.test", "openai", "gpt-4o-mini", "complete", "none",
                Optional.of(Duration.ofMillis(123)), 42, 1, Duration.ofMillis(2345));

        assertEquals("turn session=s-1 message=m-2 user=alice@example.test provider=openai model=gpt-4o-mini outcome=complete"
                + " kind=none first_token_ms=123 tokens=42 retries=1 duration_ms=2345", report.logLine());
    }

    @Test
    void aTurnWithoutTokensHasNoTimeToFirstToken() {
        TurnReport report = new TurnReport("s", "m", "u", "mistral", "other-model", "error", "authentication",
                Optional.empty(), 0, 0, Duration.ofMillis(7));

        assertEquals("turn session=s message=m user=u provider=mistral model=other-model outcome=error kind=authentication"
                + " first_token_ms=none tokens=0 retries=0 duration_ms=7", report.logLine());
    }

    @Test
    void valuesAClientChoseAreQuotedSoTheyCannotForgeFieldsOrLines() {
        assertEquals("\"mallory outcome=complete\\nturn x=1\"", TurnReport.value("mallory outcome=complete\nturn x=1"));
        assertEquals("\"say \\\"hi\\\" \\\\ \\u0007\"", TurnReport.value("say \"hi\" \\ \u0007"));
        assertEquals("openrouter/openai/gpt-4o-mini", TurnReport.value("openrouter/openai/gpt-4o-mini"));
        assertEquals("qwen3:0.6b", TurnReport.value("qwen3:0.6b"));
        assertEquals("none", TurnReport.value(null));
    }
}
