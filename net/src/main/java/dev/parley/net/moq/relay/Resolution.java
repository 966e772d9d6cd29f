package dev.parley.net.moq.relay;

import dev.parley.net.moq.model.Path;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a {@link ScopeResolver} decided for one session: a {@link Grant} or a {@link Refusal}. */
public sealed interface Resolution {

    /**
     * The session may work in {@code scope}.
     *
     * @param scope      the connection path; every broadcast path on the wire is relative to it
     * @param permission {@link Permission#READ_WRITE} when {@code put} allows anything
     * @param get        prefixes (relative to the scope) the session may read; {@link Path#EMPTY} = everything
     * @param put        prefixes (relative to the scope) the session may publish
     * @param expires    when the session must end (a token's {@code exp}), if ever
     */
    record Grant(ScopePath scope, Permission permission, List<Path> get, List<Path> put,
                 Optional<Instant> expires) implements Resolution {
        public Grant {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(permission, "permission");
            get = List.copyOf(get);
            put = List.copyOf(put);
            Objects.requireNonNull(expires, "expires");
            if (permission == Permission.READ_ONLY && !put.isEmpty()) {
                throw new IllegalArgumentException("a read-only grant cannot publish " + put);
            }
        }

        /** Everything in {@code scope}, read and write, forever. */
        public static Grant full(ScopePath scope) {
            return new Grant(scope, Permission.READ_WRITE, List.of(Path.EMPTY), List.of(Path.EMPTY), Optional.empty());
        }

        /** Everything in {@code scope}, read only. */
        public static Grant readOnly(ScopePath scope) {
            return new Grant(scope, Permission.READ_ONLY, List.of(Path.EMPTY), List.of(), Optional.empty());
        }

        public boolean canRead(Path relative) {
            return get.stream().anyMatch(relative::hasPrefix);
        }

        public boolean canPublish(Path relative) {
            return permission == Permission.READ_WRITE && put.stream().anyMatch(relative::hasPrefix);
        }
    }

    /** The session is refused; {@code reason} goes to the peer in the close. */
    record Refusal(String reason) implements Resolution {
        public Refusal {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
