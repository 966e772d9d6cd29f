package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.Path;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** moq-relay's token rules with real Ed25519 signatures; time is injected. */
class JwtScopeResolverTest {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final KeyPair KEYS = ed25519();
    static final KeyPair OTHER = ed25519();

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** A token signed by {@code keys} with the given claims. */
    static String token(KeyPair keys, Map<String, Object> claims, Instant exp) {
        var b = Jwts.builder().claims(claims).issuedAt(Date.from(NOW.minusSeconds(60)));
        if (exp != null) {
            b.expiration(Date.from(exp));
        }
        return b.signWith(keys.getPrivate(), Jwts.SIG.EdDSA).compact();
    }

    /** A token signed by {@code keys}, issued at the real current time (for live relays). */
    static String tokenNow(KeyPair keys, Map<String, Object> claims, Instant exp) {
        var b = Jwts.builder().claims(claims).issuedAt(new Date());
        if (exp != null) {
            b.expiration(Date.from(exp));
        }
        return b.signWith(keys.getPrivate(), Jwts.SIG.EdDSA).compact();
    }

    private final JwtScopeResolver resolver = new JwtScopeResolver(Optional.of(KEYS.getPublic()),
            List.of(new JwtScopeResolver.PublicPrefix(ScopePath.parse("/anon"), Permission.READ_WRITE),
                    new JwtScopeResolver.PublicPrefix(ScopePath.parse("/watch"), Permission.READ_ONLY)),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private Resolution resolve(String path, String query) {
        return resolver.resolve(new ConnectionRequest(path, query, Optional.empty(), "websocket"));
    }

    private Resolution.Grant granted(String path, String query) {
        Resolution r = resolve(path, query);
        assertThat(r).as(path + "?" + query).isInstanceOf(Resolution.Grant.class);
        return (Resolution.Grant) r;
    }

    private String refused(String path, String query) {
        Resolution r = resolve(path, query);
        assertThat(r).as(path + "?" + query).isInstanceOf(Resolution.Refusal.class);
        return ((Resolution.Refusal) r).reason();
    }

    @Test
    void putMakesReadWriteAndGetOnlyReadOnly() {
        String rw = token(KEYS, Map.of("root", "a", "put", "", "get", ""), NOW.plusSeconds(60));
        Resolution.Grant g = granted("/a", "jwt=" + rw);
        assertThat(g.permission()).isEqualTo(Permission.READ_WRITE);
        assertThat(g.expires()).contains(NOW.plusSeconds(60));
        assertThat(g.canPublish(Path.of("cam"))).isTrue();

        String ro = token(KEYS, Map.of("root", "a", "get", List.of("")), null);
        Resolution.Grant r = granted("/a", "x=1&jwt=" + ro);
        assertThat(r.permission()).isEqualTo(Permission.READ_ONLY);
        assertThat(r.canRead(Path.of("cam"))).isTrue();
        assertThat(r.canPublish(Path.of("cam"))).isFalse();
        assertThat(r.expires()).isEmpty();
    }

    @Test
    void aTokenForOnePathCannotOpenAnother() {
        String forA = token(KEYS, Map.of("root", "a", "get", ""), null);
        assertThat(refused("/b", "jwt=" + forA)).contains("the token is for /a, not /b");
        assertThat(refused("/ab", "jwt=" + forA)).contains("not /ab"); // whole segments
    }

    @Test
    void aDeeperPathNarrowsAndAParentPathMovesTheGrantDown() {
        String t = token(KEYS, Map.of("root", "room", "get", List.of("alice", "bob/cam"), "put", "alice"), null);
        Resolution.Grant deeper = granted("/room/bob", "jwt=" + t);
        assertThat(deeper.get()).containsExactly(Path.of("cam"));
        assertThat(deeper.put()).isEmpty();
        assertThat(deeper.permission()).isEqualTo(Permission.READ_ONLY);
        Resolution.Grant inside = granted("/room/alice/x", "jwt=" + t);
        assertThat(inside.get()).containsExactly(Path.EMPTY);
        assertThat(inside.permission()).isEqualTo(Permission.READ_WRITE);
        Resolution.Grant parent = granted("/", "jwt=" + t);
        assertThat(parent.get()).containsExactly(Path.of("room/alice"), Path.of("room/bob/cam"));
        assertThat(parent.canRead(Path.of("room/carol"))).isFalse();
        assertThat(refused("/room/carol", "jwt=" + t)).contains("grants nothing");
    }

    @Test
    void forgedExpiredMalformedAndDuplicateTokensAreRefused() {
        String forged = token(OTHER, Map.of("root", "a", "put", ""), null);
        assertThat(refused("/a", "jwt=" + forged)).startsWith("invalid token");
        String expired = token(KEYS, Map.of("root", "a", "put", ""), NOW.minusSeconds(1));
        assertThat(refused("/a", "jwt=" + expired)).startsWith("invalid token").contains("expired");
        assertThat(refused("/a", "jwt=not.a.token")).startsWith("invalid token");
        assertThat(refused("/a", "jwt=")).startsWith("invalid token");
        // a valid signature over a claim of the wrong type
        String wrongType = token(KEYS, Map.of("root", "a", "put", 7), null);
        assertThat(refused("/a", "jwt=" + wrongType)).startsWith("malformed claims");
        // an unsigned token (alg none) with the right claims
        String header = b64("{\"alg\":\"none\"}");
        String body = b64("{\"root\":\"a\",\"put\":\"\"}");
        assertThat(refused("/a", "jwt=" + header + "." + body + ".")).startsWith("invalid token");
        // a tampered payload on a real signature
        String good = token(KEYS, Map.of("root", "a", "get", ""), null);
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + b64("{\"root\":\"a\",\"put\":\"\",\"get\":\"\"}") + "." + parts[2];
        assertThat(refused("/a", "jwt=" + tampered)).startsWith("invalid token");
        String ok = token(KEYS, Map.of("root", "a", "get", ""), null);
        assertThat(refused("/a", "jwt=" + ok + "&jwt=" + ok)).isEqualTo("more than one jwt parameter");
    }

    @Test
    void publicPrefixesAndBadPaths() {
        assertThat(granted("/anon/x", "").permission()).isEqualTo(Permission.READ_WRITE);
        assertThat(granted("/watch", "").permission()).isEqualTo(Permission.READ_ONLY);
        assertThat(refused("/private", "")).contains("not public");
        assertThat(refused("/anonx", "")).contains("not public");
        assertThat(refused("/anon/../private", "")).contains("dot segment");
        // a bad token on a public path is still refused
        assertThat(refused("/anon", "jwt=garbage")).startsWith("invalid token");
    }

    @Test
    void readsAnOkpJwkFile() throws Exception {
        var jwk = io.jsonwebtoken.security.Jwks.builder().key((java.security.PublicKey) KEYS.getPublic()).build();
        java.nio.file.Path f = Files.createTempFile("relay", ".jwk");
        try {
            Files.writeString(f, io.jsonwebtoken.security.Jwks.json(jwk), StandardCharsets.UTF_8);
            JwtScopeResolver fromFile = new JwtScopeResolver(Optional.of(JwtScopeResolver.readJwk(f)), List.of(), Clock.fixed(NOW, ZoneOffset.UTC));
            String t = token(KEYS, Map.of("root", "", "get", ""), NOW.plus(Duration.ofMinutes(1)));
            assertThat(fromFile.resolve(new ConnectionRequest("/", "jwt=" + t, Optional.empty(), "quic")))
                    .isInstanceOf(Resolution.Grant.class);
            Files.writeString(f, "{\"kty\":\"nope\"}");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> JwtScopeResolver.readJwk(f))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("not a usable JWK");
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
