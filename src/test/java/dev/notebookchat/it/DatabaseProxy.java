package dev.notebookchat.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between the server and its PostgreSQL that a test can cut and restore, to play a
 * database that goes away and comes back. Cut, it closes every open connection and closes each new
 * one as soon as it is accepted, as a database that is restarting does; restored, it relays again.
 * Started by {@link DatabaseRelaySetup} in the PostgreSQL pass, before the server; listens on
 * 127.0.0.1 on a free port.
 */
public final class DatabaseProxy implements AutoCloseable {

    private static volatile DatabaseProxy running;

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "database-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean cut;

    private DatabaseProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** The proxy of this test run, if the run has one (the PostgreSQL pass). */
    public static Optional<DatabaseProxy> running() {
        return Optional.ofNullable(running);
    }

    /** Starts relaying to the host and port of {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db?...}). */
    static DatabaseProxy start(String jdbcUrl) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        try {
            DatabaseProxy proxy = new DatabaseProxy(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort()));
            running = proxy;
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("The database proxy could not listen", e);
        }
    }

    /** {@code jdbcUrl} with its host and port replaced by this proxy's. */
    String proxied(String jdbcUrl) {
        return jdbcUrl.replaceFirst("^jdbc:postgresql://[^/]+/", "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/");
    }

    /** Closes every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    public void restore() {
        cut = false;
    }

    /** How many connections were refused while cut, since the proxy started. */
    public int refusedConnections() {
        return refused.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            if (cut) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            threads.execute(() -> relay(client));
        }
    }

    private void relay(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(target, 5000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        if (cut) {
            // cut while connecting: this one must not survive either
            closeQuietly(client);
            closeQuietly(upstream);
        }
        threads.execute(() -> pump(client, upstream));
        pump(upstream, client);
    }

    /** Copies one direction until either side closes, then closes both: a half-open relay would hide a cut. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException closed) {
            // either side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        open.forEach(DatabaseProxy::closeQuietly);
        threads.shutdownNow();
        running = null;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is all that is wanted
        }
    }
}
