package dev.parley.net.identity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IdentityStoreTest {
    @TempDir
    Path tmp;

    private IdentityStore store(Map<String, String> env) {
        return new IdentityStore(tmp.resolve("config"), env::get);
    }

    @Test
    void createsOnceThenLoadsTheSameIdentity() throws Exception {
        IdentityStore store = store(Map.of());
        Identity first = store.loadOrCreate("default");
        Identity second = store(Map.of()).loadOrCreate("default");
        assertThat(second.id()).isEqualTo(first.id());
        Path file = store.keyFile("default");
        assertThat(Files.readString(file, StandardCharsets.US_ASCII).strip()).isEqualTo(first.secretHex());
    }

    @Test
    void keyFileIsOwnerOnly() throws Exception {
        IdentityStore store = store(Map.of());
        store.loadOrCreate("default");
        Path file = store.keyFile("default");
        assumeTrue(Files.getFileStore(file).supportsFileAttributeView("posix"), "not a POSIX file system");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void looseExistingPermissionsAreTightened() throws Exception {
        IdentityStore store = store(Map.of());
        Identity created = store.loadOrCreate("default");
        Path file = store.keyFile("default");
        assumeTrue(Files.getFileStore(file).supportsFileAttributeView("posix"), "not a POSIX file system");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(store.loadOrCreate("default").id()).isEqualTo(created.id());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void profilesHaveSeparateIdentities() {
        IdentityStore store = store(Map.of());
        Identity alice = store.loadOrCreate("alice");
        Identity bob = store.loadOrCreate("bob");
        assertThat(alice.id()).isNotEqualTo(bob.id());
        assertThat(store.loadOrCreate("alice").id()).isEqualTo(alice.id());
        assertThat(store.keyFile("alice")).isNotEqualTo(store.keyFile("bob"));
    }

    @Test
    void corruptFileIsAnErrorNamingTheFileAndIsNotReplaced() throws Exception {
        IdentityStore store = store(Map.of());
        Path file = store.keyFile("default");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "this is not a key");
        assertThatThrownBy(() -> store.loadOrCreate("default"))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt");
        assertThat(Files.readString(file)).isEqualTo("this is not a key");

        Files.writeString(file, "zz".repeat(32));
        assertThatThrownBy(() -> store.loadOrCreate("default"))
                .isInstanceOf(IdentityException.class).hasMessageContaining(file.toString());
    }

    @Test
    void rawThirtyTwoByteFileIsAccepted() throws Exception {
        Identity id = Identity.generate();
        IdentityStore store = store(Map.of());
        Path file = store.keyFile("raw");
        Files.createDirectories(file.getParent());
        Files.write(file, id.secretBytes());
        assertThat(store.loadOrCreate("raw").id()).isEqualTo(id.id());
    }

    @Test
    void aServerKeyFileOfAnyNameIsCreatedOnceOwnerOnlyAndOverriddenByParleySecret() throws Exception {
        Path file = tmp.resolve("var").resolve("lib").resolve("relay.key");
        Identity first = IdentityStore.loadOrCreateFile(file, Map.<String, String>of()::get);
        assertThat(IdentityStore.loadOrCreateFile(file, Map.<String, String>of()::get).id()).isEqualTo(first.id());
        assertThat(Files.readString(file, StandardCharsets.US_ASCII).strip()).isEqualTo(first.secretHex());
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        Identity secret = Identity.generate();
        assertThat(IdentityStore.loadOrCreateFile(file, Map.of(IdentityStore.SECRET_ENV, secret.secretHex())::get).id())
                .isEqualTo(secret.id());
        Files.writeString(file, "not a key");
        assertThatThrownBy(() -> IdentityStore.loadOrCreateFile(file, Map.<String, String>of()::get))
                .isInstanceOf(IdentityException.class).hasMessageContaining(file.toString());
    }

    @Test
    void parleySecretOverridesTheStore() {
        Identity id = Identity.generate();
        IdentityStore store = store(Map.of(IdentityStore.SECRET_ENV, id.secretHex()));
        assertThat(store.loadOrCreate("default").id()).isEqualTo(id.id());
        assertThat(store.loadOrCreate("other").id()).isEqualTo(id.id());
        assertThat(Files.exists(store.keyFile("default"))).isFalse();

        IdentityStore bad = store(Map.of(IdentityStore.SECRET_ENV, "1234"));
        assertThatThrownBy(() -> bad.loadOrCreate("default"))
                .isInstanceOf(IdentityException.class).hasMessageContaining("PARLEY_SECRET");
    }

    @Test
    void badProfileNamesAreRejected() {
        assertThatThrownBy(() -> store(Map.of()).keyFile("../evil")).isInstanceOf(IdentityException.class);
        assertThatThrownBy(() -> store(Map.of()).keyFile("")).isInstanceOf(IdentityException.class);
    }

    @Test
    void platformConfigDirectories() {
        Path home = Path.of("/home/u");
        assertThat(IdentityStore.platformConfigDir("Linux", k -> null, home)).isEqualTo(Path.of("/home/u/.config/parley"));
        assertThat(IdentityStore.platformConfigDir("Linux", Map.of("XDG_CONFIG_HOME", "/x")::get, home))
                .isEqualTo(Path.of("/x/parley"));
        assertThat(IdentityStore.platformConfigDir("Mac OS X", k -> null, home))
                .isEqualTo(Path.of("/home/u/Library/Application Support/Parley"));
        assertThat(IdentityStore.platformConfigDir("Windows 11", Map.of("APPDATA", "/appdata")::get, home))
                .isEqualTo(Path.of("/appdata/Parley"));
    }
}
