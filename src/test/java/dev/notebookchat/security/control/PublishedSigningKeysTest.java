package dev.notebookchat.security.control;

import dev.notebookchat.it.Await;
import dev.notebookchat.security.control.PublishedSigningKeys.Verdict;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which signing keys count: the ones the JWKS published at its latest reading, read again for a key id
 * it did not name, at most once per recheck period for the same missing key id.
 */
class PublishedSigningKeysTest {

    static final URI JWKS = URI.create("https://sso.example.test/realms/acme/protocol/openid-connect/certs");

    /** The provider's JWKS as the tests change it, and every read of it. */
    static final class Provider implements Function<URI, CompletableFuture<Optional<Set<String>>>> {
        volatile Set<String> keyIds = Set.of();
        volatile boolean down;
        /** When set, reads wait for the test to answer them. */
        volatile boolean manual;
        final List<CompletableFuture<Optional<Set<String>>>> reads = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Optional<Set<String>>> apply(URI uri) {
            assertEquals(JWKS, uri);
            CompletableFuture<Optional<Set<String>>> read = manual ? new CompletableFuture<>()
                    : down ? CompletableFuture.failedFuture(new java.io.IOException("Connection refused"))
                    : CompletableFuture.completedFuture(Optional.of(keyIds));
            reads.add(read);
            return read;
        }
    }

    final Provider provider = new Provider();
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final PublishedSigningKeys keys = new PublishedSigningKeys(JWKS, Duration.ofMinutes(5), provider, now::get);

    @Test
    void aPublishedKeyPassesWithoutAnotherRead() {
        provider.keyIds = Set.of("k1", "k2");
        keys.refresh();

        assertEquals(Verdict.PUBLISHED, keys.check("k1"));
        assertEquals(Verdict.PUBLISHED, keys.check("k2"));
        assertEquals(1, provider.reads.size());
    }

    @Test
    void aKeyIdNotReadYetIsLookedUpAtOnce() {
        provider.keyIds = Set.of("k1");
        keys.refresh();
        provider.keyIds = Set.of("k1", "k2");

        assertEquals(Verdict.PUBLISHED, keys.check("k2"));
        assertEquals(2, provider.reads.size());
        assertEquals(Verdict.PUBLISHED, keys.check("k2"));
        assertEquals(2, provider.reads.size(), "now known");
    }

    @Test
    void aKeyTheProviderWithdrewIsRefusedFromTheNextReadOnAndAskedAboutAgainOnlyAfterTheRecheckLimit() {
        provider.keyIds = Set.of("k1", "k2");
        keys.refresh();
        assertEquals(Verdict.PUBLISHED, keys.check("k2"));

        provider.keyIds = Set.of("k1");
        assertEquals(Verdict.PUBLISHED, keys.check("k2"), "until the next reading, the last one holds");
        keys.refresh();
        assertEquals(2, provider.reads.size());

        assertEquals(Verdict.WITHDRAWN, keys.check("k2"));
        assertEquals(3, provider.reads.size(), "a missing key id is read about once more at once");
        now.addAndGet(PublishedSigningKeys.RECHECK_LIMIT.toNanos() - 1);
        assertEquals(Verdict.WITHDRAWN, keys.check("k2"));
        assertEquals(3, provider.reads.size(), "and then not again within the recheck limit");
        assertEquals(Verdict.PUBLISHED, keys.check("k1"));

        now.addAndGet(1);
        assertEquals(Verdict.WITHDRAWN, keys.check("k2"));
        assertEquals(4, provider.reads.size());
    }

    @Test
    void aKeyPublishedAgainCountsAgain() {
        provider.keyIds = Set.of("k1");
        keys.refresh();
        assertEquals(Verdict.WITHDRAWN, keys.check("k2"));

        provider.keyIds = Set.of("k1", "k2");
        keys.refresh();

        assertEquals(Verdict.PUBLISHED, keys.check("k2"));
    }

    @Test
    void theRecheckLimitIsTheRefreshIntervalWhenThatIsShorter() {
        PublishedSigningKeys quick = new PublishedSigningKeys(JWKS, Duration.ofSeconds(1), provider, now::get);
        provider.keyIds = Set.of("k1");
        quick.refresh();
        assertEquals(Verdict.WITHDRAWN, quick.check("k2"));
        assertEquals(2, provider.reads.size());

        now.addAndGet(Duration.ofSeconds(1).toNanos());

        assertEquals(Verdict.WITHDRAWN, quick.check("k2"));
        assertEquals(3, provider.reads.size());
    }

    @Test
    void whileTheJwksCannotBeReadTheLastReadingHoldsAndNoOtherKeyCanBeVouchedFor() {
        provider.down = true;
        keys.refresh();
        assertEquals(Verdict.UNREADABLE, keys.check("k1"), "nothing read yet");

        provider.down = false;
        provider.keyIds = Set.of("k1");
        keys.refresh();
        provider.down = true;
        keys.refresh();

        assertEquals(Verdict.PUBLISHED, keys.check("k1"));
        assertEquals(Verdict.UNREADABLE, keys.check("k2"));
    }

    @Test
    void aReadUnderWayIsNotStartedTwiceByTheSchedule() {
        provider.manual = true;
        keys.refresh();
        keys.refresh();

        assertEquals(1, provider.reads.size());
        provider.reads.get(0).complete(Optional.of(Set.of("k1")));
        keys.refresh();
        assertEquals(2, provider.reads.size());
    }

    /**
     * A read that started before the token came may have missed its new key, so the token waits for one
     * that started later; everyone waiting meanwhile shares that one.
     */
    @Test
    void anUnknownKeyIdWaitsForAReadThatStartedAfterItCameAndSharesIt() throws Exception {
        provider.manual = true;
        keys.refresh();
        now.addAndGet(1);

        CompletableFuture<Verdict> first = CompletableFuture.supplyAsync(() -> keys.check("k2"));
        CompletableFuture<Verdict> second = CompletableFuture.supplyAsync(() -> keys.check("k2"));
        provider.reads.get(0).complete(Optional.of(Set.of("k1")));
        awaitReads(2);
        provider.reads.get(1).complete(Optional.of(Set.of("k1", "k2")));

        assertEquals(Verdict.PUBLISHED, first.get(10, TimeUnit.SECONDS));
        assertEquals(Verdict.PUBLISHED, second.get(10, TimeUnit.SECONDS));
        assertEquals(2, provider.reads.size());
    }

    /**
     * A read can start and end between a check's look at the key ids and its wait for a read (the
     * schedule's, or another request's): having started after the token came, it is the answer.
     */
    @Test
    void aReadThatStartedAfterTheTokenCameAndHasEndedIsNotStartedAgain() {
        provider.manual = true;
        AtomicBoolean readEndsInTheGap = new AtomicBoolean();
        PublishedSigningKeys[] holder = new PublishedSigningKeys[1];
        PublishedSigningKeys racing = new PublishedSigningKeys(JWKS, Duration.ofMinutes(5), provider, () -> {
            if (readEndsInTheGap.getAndSet(false)) {
                holder[0].refresh();
                provider.reads.get(1).complete(Optional.of(Set.of("k1", "k2")));
            }
            return now.get();
        });
        holder[0] = racing;
        racing.refresh();
        provider.reads.get(0).complete(Optional.of(Set.of("k1")));
        now.addAndGet(1);
        readEndsInTheGap.set(true);

        assertEquals(Verdict.PUBLISHED, racing.check("k2"));
        assertEquals(2, provider.reads.size());
    }

    @Test
    void aTokenThatNamesNoKeyIsRefused() {
        provider.keyIds = Set.of("k1");
        keys.refresh();

        assertEquals(Verdict.PUBLISHED, keys.check(token("{\"alg\":\"RS256\",\"kid\":\"k1\"}")));
        assertEquals(Verdict.WITHDRAWN, keys.check(token("{\"alg\":\"RS256\"}")));
        assertEquals(Verdict.WITHDRAWN, keys.check(token("{\"alg\":\"RS256\",\"kid\":\"\"}")));
        assertEquals(Verdict.WITHDRAWN, keys.check(token("{\"alg\":\"RS256\",\"kid\":42}")));
        assertEquals(Verdict.WITHDRAWN, keys.check((JsonWebToken) null));
    }

    @Test
    void aLocationServingOnePemKeyHasNothingToCheck() {
        PublishedSigningKeys pem = new PublishedSigningKeys(JWKS, Duration.ofMinutes(5),
                uri -> CompletableFuture.completedFuture(PublishedSigningKeys.keyIds("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")),
                now::get);
        pem.refresh();

        assertEquals(Verdict.PUBLISHED, pem.check(token("{\"alg\":\"RS256\",\"kid\":\"any\"}")));
        assertEquals(Verdict.PUBLISHED, pem.check(token("{\"alg\":\"RS256\"}")));
    }

    @Test
    void withoutAJwksUrlEveryVerifiedTokenPasses() {
        PublishedSigningKeys off = new PublishedSigningKeys();

        assertEquals(Verdict.PUBLISHED, off.check(token("{\"alg\":\"RS256\"}")));
        assertEquals(Optional.empty(), PublishedSigningKeys.jwksUrl("file:/srv/notebookchat-data/dev-login-public-key.pem"));
        assertEquals(Optional.empty(), PublishedSigningKeys.jwksUrl("/srv/key.pem"));
        assertEquals(Optional.empty(), PublishedSigningKeys.jwksUrl(""));
        assertEquals(Optional.of(JWKS), PublishedSigningKeys.jwksUrl(" " + JWKS + " "));
        assertEquals(Optional.of(URI.create("HTTP://localhost:8080/certs")), PublishedSigningKeys.jwksUrl("HTTP://localhost:8080/certs"));
    }

    @Test
    void theKeyIdsOfAJwksAreThoseOfItsSigningKeys() {
        String jwks = """
                {"keys": [
                  {"kid": "sig-1", "kty": "RSA", "alg": "RS256", "use": "sig", "n": "q", "e": "AQAB"},
                  {"kid": "enc-1", "kty": "RSA", "alg": "RSA-OAEP", "use": "enc", "n": "q", "e": "AQAB"},
                  {"kid": "any-use", "kty": "EC", "crv": "P-256", "x": "x", "y": "y"},
                  {"kty": "RSA", "n": "q", "e": "AQAB"},
                  "not a key"
                ]}""";

        assertEquals(Optional.of(Set.of("sig-1", "any-use")), PublishedSigningKeys.keyIds(jwks));
        assertEquals(Optional.of(Set.of()), PublishedSigningKeys.keyIds("{\"keys\": []}"));
        assertThrows(IllegalStateException.class, () -> PublishedSigningKeys.keyIds("{\"issuer\": \"x\"}"));
        assertThrows(IllegalStateException.class, () -> PublishedSigningKeys.keyIds("<html>Bad gateway</html>"));
        assertThrows(IllegalStateException.class, () -> PublishedSigningKeys.keyIds("[]"));
    }

    @Test
    void theKeyIdComesFromTheTokensHeader() {
        assertEquals(Optional.of("k1"), PublishedSigningKeys.keyId(token("{\"alg\":\"RS256\",\"kid\":\"k1\"}").getRawToken()));
        assertEquals(Optional.empty(), PublishedSigningKeys.keyId("not-base64!.x.y"));
        assertEquals(Optional.empty(), PublishedSigningKeys.keyId(base64Url("[1]") + ".e30.sig"));
        assertEquals(Optional.empty(), PublishedSigningKeys.keyId(null));
    }

    private void awaitReads(int count) {
        Await.until(() -> "expected " + count + " reads of the JWKS, saw " + provider.reads.size(), Duration.ofSeconds(10),
                () -> provider.reads.size() >= count);
        assertFalse(provider.reads.size() > count, "no more than " + count + " reads");
    }

    static JsonWebToken token(String header) {
        String raw = base64Url(header) + "." + base64Url("{\"sub\":\"alice\"}") + ".c2ln";
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "alice";
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("raw_token", "sub");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) ("raw_token".equals(name) ? raw : "sub".equals(name) ? "alice" : null);
            }
        };
    }

    static String base64Url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
