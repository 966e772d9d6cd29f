package dev.parley.app.wiring;

import dev.parley.net.identity.IdentityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process per profile: two processes with the same key would be one endpoint id twice on the
 * network, and peers would mix them up. The first process to load a profile's identity holds an OS
 * file lock on {@code NAME.lock} in the profile folder until it exits (the OS drops it even after a
 * crash); a second process gets a clear error instead. Within one process a profile can be loaded any
 * number of times.
 */
final class ProfileLock {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileLock.class);
    private static final Map<Path, FileLock> HELD = new ConcurrentHashMap<>();

    private ProfileLock() {}

    /**
     * Takes the lock of {@code profile} in {@code profileDir}, or confirms this process holds it.
     *
     * @throws IdentityException when another process holds it
     */
    static void acquire(Path profileDir, String profile) {
        Path file = profileDir.resolve(profile + ".lock").toAbsolutePath().normalize();
        HELD.computeIfAbsent(file, f -> {
            FileChannel channel = null;
            try {
                Files.createDirectories(f.getParent());
                channel = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (IOException e) {
                // a folder we cannot lock in (read-only, odd file system) must not keep Parley from starting
                LOG.warn("cannot lock profile '{}' ({}); running without the one-process check", profile, e.toString());
                closeQuietly(channel);
                return null;
            }
            closeQuietly(channel);
            throw new IdentityException("profile '" + profile + "' is in use by another Parley (a window or a "
                    + "command); close it, or give this one its own profile with --profile NAME");
        });
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }
}
