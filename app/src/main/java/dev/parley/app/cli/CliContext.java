package dev.parley.app.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Everything the commands need from outside: the engines, the window starter, the display check and
 * the terminal. {@code Main} builds the real one; tests build their own.
 */
public record CliContext(CommandEngines engines, GuiStarter gui, DisplayCheck display, Terminal terminal) {

    /** The context of this process with the given engines and window starter. */
    public static CliContext system(CommandEngines engines, GuiStarter gui) {
        Terminal terminal = new Terminal(
                new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                System.in);
        return new CliContext(engines, gui, DisplayCheck.system(), terminal);
    }

    /** Opens the window, or explains why it cannot and where to go instead. */
    int openWindow(GuiRequest request) {
        var problem = display.problem();
        if (problem.isPresent()) {
            PrintWriter err = terminal.err();
            err.println("parley: cannot open the window: " + problem.get() + ".");
            err.println("Without a desktop, use the headless commands:");
            err.println("  parley room [TICKET] --headless   create or join a room");
            err.println("  parley publish --test-source      publish a broadcast");
            err.println("  parley watch TICKET --headless    watch a broadcast");
            err.println("  parley devices                    list cameras, microphones and screens");
            err.println("Run 'parley --help' for all options.");
            err.flush();
            return ExitCodes.NO_DISPLAY;
        }
        return gui.start(request);
    }
}
