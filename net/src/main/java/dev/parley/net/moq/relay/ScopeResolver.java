package dev.parley.net.moq.relay;

/**
 * Turns a new session's connection path and credentials into its scope and permission (seed 003), or a
 * refusal with a reason. Called once per session on a virtual thread; may block briefly (a key lookup),
 * must be thread-safe, and must not throw for bad input: a malformed path or token is a {@link Resolution.Refusal}.
 */
@FunctionalInterface
public interface ScopeResolver {
    Resolution resolve(ConnectionRequest request);

    /** Everyone gets read and write access to the scope their path names (a relay for trusted networks). */
    static ScopeResolver open() {
        return request -> {
            String problem = ScopePath.problem(request.path());
            return problem != null ? new Resolution.Refusal("invalid path: " + problem)
                    : Resolution.Grant.full(new ScopePath(request.path()));
        };
    }
}
