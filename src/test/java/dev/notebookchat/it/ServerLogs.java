package dev.notebookchat.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The integration-test server's logs ({@code it.server.directory/logs}, as the failsafe configuration
 * names the server): {@code messages.log}, which holds what the console shows, and the FFDC folder.
 * Read as ISO-8859-1, which takes every byte, since a log may hold anything.
 */
public final class ServerLogs {

    private ServerLogs() {
    }

    /** The server's {@code logs} folder. */
    public static Path directory() {
        return Path.of(System.getProperty("it.server.directory", "target/liberty/wlp/usr/servers/notebookchat-it"), "logs");
    }

    public static Path messages() {
        return directory().resolve("messages.log");
    }

    /** A whole log file as text. */
    public static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines of the server's current {@code messages.log}, written since it last started, that contain {@code text}. */
    public static List<String> messagesWith(String text) {
        return read(messages()).lines().filter(line -> line.contains(text)).toList();
    }

    /**
     * The lines of {@code messages.log} that {@code which} picks, once there is at least one: the server
     * writes some lines after it has answered, so they are waited for up to {@code within}.
     */
    public static List<String> awaitMessages(String what, Predicate<String> which, Duration within) {
        return Await.value(what + " in " + messages(), within, () -> {
            if (!Files.isRegularFile(messages())) {
                return Optional.empty();
            }
            List<String> found = read(messages()).lines().filter(which).toList();
            return found.isEmpty() ? Optional.empty() : Optional.of(found);
        });
    }
}
