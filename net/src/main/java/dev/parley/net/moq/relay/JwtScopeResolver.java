package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.Path;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The default {@link ScopeResolver}: moq-relay's authentication. A JWT in the query ({@code ?jwt=}) signed
 * by the configured key (a JWK; EdDSA/Ed25519 is what Parley mints, RS/PS/ES/HS verify too) carries the
 * claims {@code root} (the path the token is for), {@code get} and {@code put} (prefixes below the root,
 * a string or a list; {@code ""} means everything, absent or empty means nothing) and {@code exp}.
 * Without a token, a path under one of the configured public prefixes gets that prefix's permission.
 *
 * <p>The connection path must extend the token's root (the grant narrows to the part below the path) or
 * be a parent of it (the grant moves down under the root); otherwise the session is refused. A token that
 * grants {@code put} makes the session {@link Permission#READ_WRITE}, one with only {@code get}
 * {@link Permission#READ_ONLY}, one with neither is refused. A bad signature, a malformed or expired
 * token, or a second {@code jwt} parameter is a refusal, even on a public path.
 */
public final class JwtScopeResolver implements ScopeResolver {
    /** Anonymous access under {@code prefix} with {@code permission}. */
    public record PublicPrefix(ScopePath prefix, Permission permission) {
        public PublicPrefix {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(permission, "permission");
        }
    }

    private final Optional<Key> key;
    private final List<PublicPrefix> publicPrefixes;
    private final Clock clock;

    /**
     * @param key            the token verification key; empty = tokens are refused, only public prefixes work
     * @param publicPrefixes anonymous access, first match wins
     * @param clock          for {@code exp}
     */
    public JwtScopeResolver(Optional<Key> key, List<PublicPrefix> publicPrefixes, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.publicPrefixes = List.copyOf(publicPrefixes);
        this.clock = Objects.requireNonNull(clock, "clock");
        key.ifPresent(k -> {
            if (!(k instanceof PublicKey) && !(k instanceof SecretKey)) {
                throw new IllegalArgumentException("a JWT verification key is a public or a secret key, not " + k.getAlgorithm());
            }
        });
    }

    /** Reads a JWK (a public key, or a symmetric {@code oct} key) from a file. */
    public static Key readJwk(java.nio.file.Path file) throws IOException {
        String json = Files.readString(file, StandardCharsets.UTF_8);
        try {
            Jwk<?> jwk = Jwks.parser().build().parse(json);
            return jwk.toKey();
        } catch (JwtException | IllegalArgumentException e) {
            throw new IOException("not a usable JWK in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Resolution resolve(ConnectionRequest request) {
        String problem = ScopePath.problem(request.path());
        if (problem != null) {
            return new Resolution.Refusal("invalid path " + clip(request.path()) + ": " + problem);
        }
        ScopePath scope = new ScopePath(request.path());
        List<String> tokens = request.parameter("jwt");
        if (tokens.size() > 1) {
            return new Resolution.Refusal("more than one jwt parameter");
        }
        if (tokens.isEmpty()) {
            for (PublicPrefix p : publicPrefixes) {
                if (scope.root().hasPrefix(p.prefix().root())) {
                    return p.permission() == Permission.READ_WRITE ? Resolution.Grant.full(scope) : Resolution.Grant.readOnly(scope);
                }
            }
            return new Resolution.Refusal("no token (?jwt=) and " + scope + " is not public");
        }
        if (key.isEmpty()) {
            return new Resolution.Refusal("this relay accepts no tokens");
        }
        Claims claims;
        try {
            var parser = Jwts.parser().clock(() -> Date.from(clock.instant()));
            if (key.get() instanceof PublicKey pk) {
                parser.verifyWith(pk);
            } else {
                parser.verifyWith((SecretKey) key.get());
            }
            claims = parser.build().parseSignedClaims(tokens.getFirst()).getPayload();
        } catch (JwtException | IllegalArgumentException e) {
            return new Resolution.Refusal("invalid token: " + e.getMessage());
        }
        try {
            return grant(scope, claims);
        } catch (ClassCastException | IllegalArgumentException e) {
            return new Resolution.Refusal("malformed claims: " + e.getMessage());
        }
    }

    private static Resolution grant(ScopePath scope, Claims claims) {
        Object rootClaim = claims.get("root");
        Path root = Path.of(rootClaim == null ? "" : (String) rootClaim);
        Path at = scope.root();
        List<Path> get = narrow(at, root, prefixes(claims.get("get")));
        List<Path> put = narrow(at, root, prefixes(claims.get("put")));
        if (get == null) {
            return new Resolution.Refusal("the token is for /" + root + ", not " + scope);
        }
        Optional<java.time.Instant> exp = Optional.ofNullable(claims.getExpiration()).map(Date::toInstant);
        if (!put.isEmpty()) {
            return new Resolution.Grant(scope, Permission.READ_WRITE, get, put, exp);
        }
        if (!get.isEmpty()) {
            return new Resolution.Grant(scope, Permission.READ_ONLY, get, List.of(), exp);
        }
        return new Resolution.Refusal("the token grants nothing under " + scope);
    }

    /**
     * The claim prefixes (relative to {@code root}) as prefixes relative to the connection path {@code at};
     * null when {@code at} and {@code root} are unrelated.
     */
    static List<Path> narrow(Path at, Path root, List<Path> claimed) {
        List<Path> out = new ArrayList<>();
        Optional<Path> below = at.stripPrefix(root);
        if (below.isPresent()) {
            Path suffix = below.get();
            for (Path p : claimed) {
                if (p.hasPrefix(suffix)) {
                    out.add(p.stripPrefix(suffix).orElseThrow());
                } else if (suffix.hasPrefix(p)) {
                    out.add(Path.EMPTY);
                }
            }
            return out;
        }
        Optional<Path> above = root.stripPrefix(at);
        if (above.isEmpty()) {
            return null;
        }
        for (Path p : claimed) {
            out.add(above.get().join(p));
        }
        return out;
    }

    private static List<Path> prefixes(Object claim) {
        if (claim == null) {
            return List.of();
        }
        if (claim instanceof String s) {
            return List.of(Path.of(s));
        }
        if (claim instanceof Collection<?> c) {
            List<Path> out = new ArrayList<>();
            for (Object o : c) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("get/put entries must be strings");
                }
                out.add(Path.of(s));
            }
            return out;
        }
        throw new IllegalArgumentException("get/put must be a string or a list of strings");
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
