package dev.parley.app.service;

/** The verdict on a pasted room ticket. */
public sealed interface TicketCheck {
    /** @param ticket the ticket in its canonical form */
    record Valid(String ticket) implements TicketCheck {}

    /** @param reason what is wrong, in plain words */
    record Invalid(String reason) implements TicketCheck {}
}
