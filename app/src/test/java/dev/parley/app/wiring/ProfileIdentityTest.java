package dev.parley.app.wiring;

import dev.parley.app.settings.ConfigDirs;
import dev.parley.net.identity.IdentityException;
import dev.parley.net.identity.IdentityStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The identity of a --profile lives in that profile's config folder and stays the same across runs. */
class ProfileIdentityTest {
    @TempDir
    Path home;

    private Path dir(String profile) {
        return ConfigDirs.resolve("Linux", Map.of(), home, profile);
    }

    @Test
    void theSameProfileKeepsItsEndpointIdAndProfilesDiffer() {
        var alice = ProfileIdentity.load(dir("alice"), "alice", k -> null).id();
        assertThat(ProfileIdentity.load(dir("alice"), "alice", k -> null).id()).isEqualTo(alice);
        var bob = ProfileIdentity.load(dir("bob"), "bob", k -> null).id();
        var standard = ProfileIdentity.load(dir(null), null, k -> null).id();
        assertThat(bob).isNotEqualTo(alice);
        assertThat(standard).isNotEqualTo(alice).isNotEqualTo(bob);
        assertThat(ProfileIdentity.load(dir(null), null, k -> null).id()).isEqualTo(standard);
    }

    @Test
    void keysLiveInThePlatformConfigFolderOfTheProfile() {
        ProfileIdentity.load(dir("alice"), "alice", k -> null);
        ProfileIdentity.load(dir(null), null, k -> null);
        assertThat(home.resolve(".config/parley/profiles/alice/alice.key")).isRegularFile();
        assertThat(home.resolve(".config/parley/default.key")).as("the default profile keeps the earlier location")
                .isRegularFile();
    }

    @Test
    void parleySecretOverridesEveryProfile() {
        String secret = "11".repeat(32);
        var a = ProfileIdentity.load(dir("alice"), "alice", k -> IdentityStore.SECRET_ENV.equals(k) ? secret : null);
        var b = ProfileIdentity.load(dir("bob"), "bob", k -> IdentityStore.SECRET_ENV.equals(k) ? secret : null);
        assertThat(a.id()).isEqualTo(b.id());
        assertThat(dir("alice").resolve("alice.key")).doesNotExist();
    }

    @Test
    void aCorruptKeyIsAClearErrorAndIsKept() throws Exception {
        Path key = dir("alice").resolve("alice.key");
        Files.createDirectories(key.getParent());
        Files.writeString(key, "not a key");
        assertThatThrownBy(() -> ProfileIdentity.load(dir("alice"), "alice", k -> null))
                .isInstanceOf(IdentityException.class).hasMessageContaining("corrupt secret key file").hasMessageContaining(key.toString());
        assertThat(Files.readString(key)).isEqualTo("not a key");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aProfileHeldByAnotherProcessIsAClearErrorAndFreeAgainWhenItExits() throws Exception {
        Path alice = dir("alice");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ProfileHolderMain.class.getName(), alice.toString(), "alice")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()));
            String line = out.readLine();
            while (line != null && !line.startsWith("READY ")) {
                line = out.readLine(); // logging set-up lines
            }
            assertThat(line).as("the other process loaded the profile").isNotNull();
            String heldId = line.substring(6).strip();

            assertThatThrownBy(() -> ProfileIdentity.load(alice, "alice", k -> null))
                    .isInstanceOf(IdentityException.class)
                    .hasMessage("profile 'alice' is in use by another Parley (a window or a command); close it, "
                            + "or give this one its own profile with --profile NAME");
            // another profile, and an explicit secret, are not affected
            assertThat(ProfileIdentity.load(dir("bob"), "bob", k -> null).id().hex()).isNotEqualTo(heldId);
            String secret = "22".repeat(32);
            ProfileIdentity.load(alice, "alice", k -> IdentityStore.SECRET_ENV.equals(k) ? secret : null);

            holder.destroyForcibly().waitFor();
            // the OS dropped the lock with the process, even though it was killed
            assertThat(ProfileIdentity.load(alice, "alice", k -> null).id().hex()).isEqualTo(heldId);
        } finally {
            holder.destroyForcibly();
        }
    }
}
