/**
 * Headless runners behind the {@code parley} subcommands: they turn parsed options into work on the media,
 * net and rooms modules and print plain lines for scripts (tickets first, then one JSON line per second or
 * per event). {@code publish}, {@code watch}, {@code devices}, {@code relay} and {@code room} are wired;
 * {@code room --media-stats} decodes the other participants' cameras ({@link dev.parley.app.headless.RoomMediaStats})
 * so a script sees video, audio and each peer's path.
 */
package dev.parley.app.headless;
