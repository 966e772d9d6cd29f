/**
 * Headless runners behind the {@code parley} subcommands: they turn parsed options into work on the media,
 * net and rooms modules and print plain lines for scripts (tickets first, then one JSON line per second or
 * per event). {@code publish}, {@code watch} and {@code devices} are wired; {@code room} still refuses
 * through {@link dev.parley.app.cli.CommandEngines#unwired()}.
 */
package dev.parley.app.headless;
