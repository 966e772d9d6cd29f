package dev.parley.net.postcard;

/** Bytes that do not decode as the expected postcard value: truncated, oversized, or an unknown variant. */
public final class PostcardException extends RuntimeException {
    public PostcardException(String message) {
        super(message);
    }

    public PostcardException(String message, Throwable cause) {
        super(message, cause);
    }
}
