/**
 * The {@code parley} command line (picocli). {@link dev.parley.app.cli.Cli} builds the command tree:
 * with no command it opens the window after a display check, and {@code room}, {@code publish},
 * {@code watch} and {@code devices} parse and validate their options into records that the
 * {@link dev.parley.app.cli.CommandEngines} run. Commands never print stack traces; exit codes are in
 * {@link dev.parley.app.cli.ExitCodes}. {@link dev.parley.app.cli.ProcessStart} keeps when {@code main}
 * began, for the startup timelines the headless commands print.
 */
package dev.parley.app.cli;
