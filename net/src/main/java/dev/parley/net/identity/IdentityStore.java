package dev.parley.net.identity;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Keeps one secret key per profile in the user's config directory, as {@code <profile>.key} holding
 * 64 hex characters (32 raw bytes are also accepted when reading). New files are owner-only
 * ({@code rw-------}) on POSIX systems. The {@code PARLEY_SECRET} variable (64 hex characters)
 * overrides every profile. A file that cannot be parsed is an error naming the file; it is never
 * replaced, because that would silently change the user's identity.
 */
public final class IdentityStore {
    public static final String SECRET_ENV = "PARLEY_SECRET";
    public static final String DEFAULT_PROFILE = "default";

    private static final Logger LOG = LoggerFactory.getLogger(IdentityStore.class);
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final Function<String, String> env;

    /**
     * @param dir the directory holding the key files (created on demand)
     * @param env environment lookup, {@code System::getenv} in production
     */
    public IdentityStore(Path dir, Function<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** The store in the platform config directory, reading the real environment. */
    public static IdentityStore platformDefault() {
        return new IdentityStore(platformConfigDir(System.getProperty("os.name", ""), System::getenv,
                Path.of(System.getProperty("user.home"))), System::getenv);
    }

    /**
     * Parley's config directory: {@code $XDG_CONFIG_HOME/parley} or {@code ~/.config/parley} on Linux,
     * {@code %APPDATA%\Parley} on Windows, {@code ~/Library/Application Support/Parley} on macOS.
     */
    public static Path platformConfigDir(String osName, Function<String, String> env, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = env.apply("APPDATA");
            return (appData == null || appData.isBlank() ? home.resolve("AppData").resolve("Roaming")
                    : Path.of(appData)).resolve("Parley");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("Parley");
        }
        String xdg = env.apply("XDG_CONFIG_HOME");
        return (xdg == null || xdg.isBlank() ? home.resolve(".config") : Path.of(xdg)).resolve("parley");
    }

    public Path directory() {
        return dir;
    }

    /** The file that holds {@code profile}'s key. */
    public Path keyFile(String profile) {
        if (profile == null || !PROFILE.matcher(profile).matches()) {
            throw new IdentityException("invalid profile name '" + profile
                    + "': use letters, digits, '.', '_' or '-' (at most 64)");
        }
        return dir.resolve(profile + ".key");
    }

    /** Loads the profile's key, creating and saving a new one if there is none yet. */
    public Identity loadOrCreate(String profile) {
        String override = env.apply(SECRET_ENV);
        if (override != null && !override.isBlank()) {
            try {
                return Identity.fromHex(override);
            } catch (IllegalArgumentException e) {
                throw new IdentityException(SECRET_ENV + " is not a valid secret key: " + e.getMessage(), e);
            }
        }
        return loadOrCreateAt(keyFile(profile), "profile '" + profile + "'");
    }

    /**
     * The key kept in {@code file} (any name; a server's configured key file), created owner-only when
     * missing; {@code PARLEY_SECRET} overrides it as it does every profile.
     */
    public static Identity loadOrCreateFile(Path file, Function<String, String> env) {
        Path absolute = file.toAbsolutePath();
        IdentityStore store = new IdentityStore(absolute.getParent(), env);
        String override = env.apply(SECRET_ENV);
        if (override != null && !override.isBlank()) {
            return store.loadOrCreate(DEFAULT_PROFILE);
        }
        return store.loadOrCreateAt(absolute, absolute.getFileName().toString());
    }

    private Identity loadOrCreateAt(Path file, String what) {
        if (Files.exists(file)) {
            return read(file);
        }
        Identity created = Identity.generate();
        try {
            write(file, created);
            LOG.info("created a new identity {} for {} in {}", created.id().shortHex(), what, file);
            return created;
        } catch (FileAlreadyExistsException raced) {
            return read(file); // another process created it first; use theirs
        } catch (IOException e) {
            throw new IdentityException("cannot save the secret key to " + file + ": " + e.getMessage(), e);
        }
    }

    private static Identity read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IdentityException("cannot read the secret key file " + file + ": " + e.getMessage(), e);
        }
        tightenPermissions(file);
        if (content.length == Ed25519.KEY_LENGTH && !looksLikeHexText(content)) {
            return Identity.fromSecret(content);
        }
        String text = new String(content, StandardCharsets.US_ASCII).strip();
        if (text.length() != 2 * Ed25519.KEY_LENGTH) {
            throw new IdentityException("corrupt secret key file " + file + ": expected 64 hex characters or 32 raw bytes, found "
                    + content.length + " bytes; fix or remove the file (removing it creates a new identity)");
        }
        try {
            return Identity.fromSecret(HexFormat.of().parseHex(text));
        } catch (IllegalArgumentException e) {
            throw new IdentityException("corrupt secret key file " + file + ": not hex (" + e.getMessage()
                    + "); fix or remove the file (removing it creates a new identity)", e);
        }
    }

    private static boolean looksLikeHexText(byte[] content) {
        for (byte b : content) {
            if (Character.digit(b, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private void write(Path file, Identity identity) throws IOException {
        boolean posix = Files.getFileStore(existingAncestor(dir)).supportsFileAttributeView("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } else {
                Files.createDirectories(dir);
            }
        }
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp", attrs);
        try {
            Files.writeString(tmp, identity.secretHex() + "\n", StandardCharsets.US_ASCII);
            try {
                // A hard link refuses to replace an existing file, so two racing processes keep one key.
                Files.createLink(file, tmp);
            } catch (UnsupportedOperationException | AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path existingAncestor(Path p) {
        Path cur = p.toAbsolutePath();
        while (cur != null && !Files.exists(cur)) {
            cur = cur.getParent();
        }
        return cur == null ? Path.of("").toAbsolutePath() : cur;
    }

    private static void tightenPermissions(Path file) {
        try {
            if (Files.getFileStore(file).supportsFileAttributeView("posix")
                    && !Files.getPosixFilePermissions(file).equals(OWNER_FILE)) {
                Files.setPosixFilePermissions(file, OWNER_FILE);
                LOG.warn("secret key file {} was readable by others; restricted it to the owner", file);
            }
        } catch (IOException e) {
            LOG.warn("cannot check the permissions of {}: {}", file, e.getMessage());
        }
    }
}
