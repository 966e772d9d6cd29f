/**
 * The Parley desktop app and command line. {@link dev.parley.app.Main} parses the command line
 * ({@code cli}) and opens the window ({@code ui}) on the services {@link dev.parley.app.Wiring} picks from {@code wiring}; {@code headless}
 * runs the commands without a window. {@link dev.parley.app.LogSetup} sets up logging (stderr, found by
 * logback as a service). Packages form no cycle (an ArchUnit rule).
 */
package dev.parley.app;
