package dev.parley.app.service;

import java.time.Instant;

/**
 * One chat line.
 *
 * @param senderId   the sender's participant id
 * @param senderName the sender's display name at the time
 * @param text       the message, one UTF-8 string
 * @param at         when it was sent or received
 * @param fromSelf   true for our own messages
 */
public record ChatEntry(String senderId, String senderName, String text, Instant at, boolean fromSelf) {}
