/**
 * The Parley desktop app and command line. {@link dev.parley.app.Main} parses the command line
 * ({@code cli}) and opens the window ({@code ui}) on services chosen in {@code wiring}.
 */
package dev.parley.app;
