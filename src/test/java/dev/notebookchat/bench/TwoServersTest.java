package dev.notebookchat.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TwoServersTest {

    @Test
    void giveTheJarServersTheLibertyServersSettingsAsEnvironmentVariables() {
        Properties p = new Properties();
        p.setProperty("benchmark.server.setting.notebookchat.chat.max-running-turns", "12000");
        p.setProperty("benchmark.server.setting.notebookchat.providers.openai.base-url", "http://127.0.0.1:9983/v1");
        p.setProperty("benchmark.server.setting.notebookchat.dev-login", "true");
        p.setProperty("benchmark.rates", "50");
        p.setProperty("notebookchat.db.url", "jdbc:h2:mem:not-a-server-setting");

        assertEquals(Map.of("NOTEBOOKCHAT_CHAT_MAX_RUNNING_TURNS", "12000",
                "NOTEBOOKCHAT_PROVIDERS_OPENAI_BASE_URL", "http://127.0.0.1:9983/v1",
                "NOTEBOOKCHAT_DEV_LOGIN", "true"), TwoServers.environment(p));
    }
}
