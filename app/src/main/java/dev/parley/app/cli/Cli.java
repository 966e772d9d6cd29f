package dev.parley.app.cli;

import picocli.CommandLine;

/** Builds and runs the {@code parley} command line. */
public final class Cli {
    private Cli() {}

    /** The command tree bound to a context. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cl = new CommandLine(new ParleyCommand(context));
        cl.addSubcommand("room", new RoomCommand(context));
        cl.addSubcommand("publish", new PublishCommand(context));
        cl.addSubcommand("watch", new WatchCommand(context));
        cl.addSubcommand("devices", new DevicesCommand(context));
        cl.addSubcommand("relay", new RelayCommand(context));
        cl.addSubcommand("netcheck", new NetcheckCommand(context));
        cl.setOut(context.terminal().out());
        cl.setErr(context.terminal().err());
        // A failure reaching here is a bug or an engine error: print one readable line, not a stack trace.
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("parley " + commandLine.getCommandName() + ": " + describe(ex));
            commandLine.getErr().flush();
            org.slf4j.LoggerFactory.getLogger(Cli.class).debug("command failed", ex);
            return ExitCodes.FAILED;
        });
        return cl;
    }

    /** Parses and runs {@code args}; returns the exit code. */
    public static int run(String[] args, CliContext context) {
        int code = commandLine(context).execute(args);
        context.terminal().out().flush();
        context.terminal().err().flush();
        return code;
    }

    private static String describe(Exception ex) {
        String message = ex.getMessage();
        return message == null || message.isBlank() ? ex.getClass().getSimpleName() : message;
    }
}
