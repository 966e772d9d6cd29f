package dev.parley.app.service;

/** Who joins and with which sources. */
public record JoinRequest(String displayName, SourceSelection sources) {}
