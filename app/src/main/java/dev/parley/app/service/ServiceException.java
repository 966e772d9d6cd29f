package dev.parley.app.service;

/**
 * A failure with a message fit to show the user as it is ("The camera is in use by another app").
 * Services wrap lower-level exceptions into it; the UI never shows a stack trace.
 */
public class ServiceException extends RuntimeException {
    public ServiceException(String userMessage) {
        super(userMessage);
    }

    public ServiceException(String userMessage, Throwable cause) {
        super(userMessage, cause);
    }
}
