package dev.notebookchat.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NginxTest {

    @Test
    void balancesTwoServersInTurnOverKeptAliveConnections() {
        String config = Nginx.config(Path.of("/tmp/bench/nginx-app2"), 9585, List.of(9586, 9588), 1000);

        assertEquals(String.join("\n",
                "    upstream relayed {",
                "        server 127.0.0.1:9586;",
                "        server 127.0.0.1:9588;",
                "        keepalive 1024;",
                "        keepalive_requests 100000;",
                "    }"), upstream(config));
        assertEquals(String.join("\n",
                "    server {",
                "        listen 127.0.0.1:9585 backlog=1000;",
                "        location / {",
                "            proxy_pass http://relayed;",
                "            proxy_http_version 1.1;",
                "            proxy_set_header Connection \"\";",
                "            proxy_buffering off;",
                "            proxy_request_buffering off;",
                "            proxy_read_timeout 3600s;",
                "        }"), config.substring(config.indexOf("    server {"), config.indexOf("        }", config.indexOf("    server {")) + 9));
        assertTrue(config.contains("\n    tcp_nodelay on;\n"), config);
        assertTrue(config.contains("\n    worker_connections 3024;\n"), config);
        assertTrue(config.contains("\npid /tmp/bench/nginx-app2/nginx.pid;\n"), config);
    }

    @Test
    void aBalancerForTheScaleOutTestTakesRequestsInOrderOnOneWorkerAndNamesTheServerThatAnswered() {
        String config = Nginx.balanceConfig(Path.of("/tmp/scale-out-nginx"), 9385, List.of(9381, 9383));

        assertTrue(config.contains("\nworker_processes 1;\n"), config);
        assertTrue(config.contains(String.join("\n",
                "            proxy_read_timeout 3600s;",
                "            add_header X-Served-By $upstream_addr always;",
                "        }")), config);
        assertTrue(config.contains("\n        server 127.0.0.1:9381;\n        server 127.0.0.1:9383;\n"), config);
        assertFalse(Nginx.config(Path.of("/tmp/bench/nginx"), 9584, List.of(9983), 100).contains("X-Served-By"));
    }

    @Test
    void relaysTheFakeProviderAloneAsTheFloor() {
        String config = Nginx.config(Path.of("/tmp/bench/nginx"), 9584, List.of(9983), 100);

        assertEquals(String.join("\n",
                "    upstream relayed {",
                "        server 127.0.0.1:9983;",
                "        keepalive 1024;",
                "        keepalive_requests 100000;",
                "    }"), upstream(config));
        assertTrue(config.contains("\n        listen 127.0.0.1:9584 backlog=511;\n"), config);
    }

    @Test
    void refusesAConfigurationWithoutUpstream() {
        assertThrows(IllegalArgumentException.class, () -> Nginx.config(Path.of("/tmp/bench/nginx"), 9584, List.of(), 100));
    }

    @Test
    void refusesAPortAnotherProcessListensOnInsteadOfTakingItsAnswerForNginxs(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> Nginx.start("/bin/false", dir, taken.getLocalPort(), List.of(9983), 100));
            assertTrue(refused.getMessage().startsWith("127.0.0.1:" + taken.getLocalPort() + " is taken, so nginx cannot listen there"),
                    refused.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("nginx.conf")), "nothing is written or started");
    }

    private static String upstream(String config) {
        int start = config.indexOf("    upstream relayed {");
        return config.substring(start, config.indexOf("    }", start) + 5);
    }
}
