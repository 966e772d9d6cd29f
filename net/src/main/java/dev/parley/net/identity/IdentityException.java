package dev.parley.net.identity;

/** A secret key could not be created, read, parsed or stored. The message names the file or variable. */
public final class IdentityException extends RuntimeException {
    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
