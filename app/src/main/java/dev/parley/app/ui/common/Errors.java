package dev.parley.app.ui.common;

import dev.parley.app.service.ServiceException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns a failure into one sentence for the user. */
public final class Errors {
    private Errors() {}

    public static String describe(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ServiceException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        String detail = cause.getMessage();
        return "Something went wrong" + (detail == null || detail.isBlank() ? "." : ": " + detail);
    }
}
