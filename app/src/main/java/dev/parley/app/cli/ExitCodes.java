package dev.parley.app.cli;

/** Process exit codes of the {@code parley} command; scripts may rely on them. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** Something failed at run time (network, devices, a peer). */
    public static final int FAILED = 1;
    /** The command line was wrong (picocli's usage error code). */
    public static final int USAGE = 2;
    /** No display for the window; the message points at the headless commands. */
    public static final int NO_DISPLAY = 3;
    /** The command exists but this build does not have the part it needs yet. */
    public static final int NOT_AVAILABLE = 4;

    private ExitCodes() {}
}
