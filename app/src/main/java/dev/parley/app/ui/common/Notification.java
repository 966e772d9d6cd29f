package dev.parley.app.ui.common;

/** One message on screen. */
public record Notification(String message, boolean error) {}
