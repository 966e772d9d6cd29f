package dev.parley.app.wiring;

import dev.parley.app.settings.ConfigDirs;
import dev.parley.net.identity.Identity;
import dev.parley.net.identity.IdentityStore;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The user's identity for a {@code --profile}: the secret key is kept in the profile's own config folder
 * ({@link ConfigDirs}), next to its settings, as {@code default.key} for the default profile (the folder
 * itself) and {@code NAME.key} in {@code profiles/NAME} for a named one. So the same profile keeps the
 * same endpoint id across runs, and two profiles on one machine are two different participants.
 * {@code PARLEY_SECRET} overrides every profile (see {@link IdentityStore}). A profile is used by one
 * process at a time ({@link ProfileLock}).
 */
public final class ProfileIdentity {
    private ProfileIdentity() {}

    /** Loads (or creates and saves) the identity of {@code profile} ({@code null}: the default profile). */
    public static Identity load(String profile) {
        return load(ConfigDirs.system(profile), profile, System::getenv);
    }

    /**
     * The same for a given profile folder and environment (tests use a temporary folder).
     *
     * @param profileDir the profile's config folder, as {@link ConfigDirs} resolves it
     */
    public static Identity load(Path profileDir, String profile, Function<String, String> env) {
        String name = profile == null ? IdentityStore.DEFAULT_PROFILE : profile;
        if (env.apply(IdentityStore.SECRET_ENV) == null) { // an explicit secret is the user's own choice
            ProfileLock.acquire(profileDir, name);
        }
        return new IdentityStore(profileDir, env).loadOrCreate(name);
    }
}
