package dev.parley.net.ticket;

/** A ticket or encoded address could not be parsed; the message says what is wrong. */
public final class TicketException extends RuntimeException {
    public TicketException(String message) {
        super(message);
    }

    public TicketException(String message, Throwable cause) {
        super(message, cause);
    }
}
