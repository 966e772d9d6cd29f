package dev.parley.app.service;

/** Where a participant's media connection is. */
public enum ConnectionState {
    CONNECTING, CONNECTED, RECONNECTING, DISCONNECTED
}
