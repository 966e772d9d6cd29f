/**
 * Headless runners behind the {@code parley} subcommands: they turn parsed options into work on the media,
 * net and rooms modules and print plain lines for scripts. So far only {@code devices} is wired; the other
 * commands still refuse honestly through {@link dev.parley.app.cli.CommandEngines#unwired()}.
 */
package dev.parley.app.headless;
