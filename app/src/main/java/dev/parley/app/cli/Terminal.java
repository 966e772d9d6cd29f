package dev.parley.app.cli;

import java.io.InputStream;
import java.io.PrintWriter;

/** The streams a command reads and writes; tests pass their own. */
public record Terminal(PrintWriter out, PrintWriter err, InputStream in) {}
