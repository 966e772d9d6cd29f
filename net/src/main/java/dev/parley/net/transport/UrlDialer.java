package dev.parley.net.transport;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Dials a URL ({@code ws://}, {@code wss://}) into a {@link Connection}. Bindings provide one through
 * {@link ServiceLoader} ({@link Provider}), so code above the bindings dials URLs without importing
 * them. Owns its I/O threads until {@link #close()}.
 */
public interface UrlDialer extends AutoCloseable {
    /** Connects to {@code uri} offering the dialer's protocols; blocks up to its timeout. */
    Connection connect(URI uri);

    @Override
    void close();

    /** Makes dialers; registered in {@code META-INF/services}. */
    interface Provider {
        /** The URL schemes it dials, e.g. {@code ws}, {@code wss}. */
        List<String> schemes();

        UrlDialer open(List<String> protocols, Duration timeout);
    }

    /** A dialer for {@code scheme} from the first provider that dials it. */
    static UrlDialer open(String scheme, List<String> protocols, Duration timeout) {
        for (Provider p : ServiceLoader.load(Provider.class, UrlDialer.class.getClassLoader())) {
            if (p.schemes().contains(scheme)) {
                return p.open(protocols, timeout);
            }
        }
        throw new IllegalArgumentException("no transport dials " + scheme + ":// URLs");
    }
}
