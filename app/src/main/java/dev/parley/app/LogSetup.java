package dev.parley.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Parley's logging, set up in code (found by logback through {@code META-INF/services}): every log line
 * goes to stderr, so command output on stdout stays clean for scripts, at {@code PARLEY_LOG_LEVEL}
 * (default {@code WARN}). In code because the XML route (Joran and a SAX parser, about 600 classes) cost
 * a cold process 0.3-0.6 s on the path to a watch's first frame. A {@code -Dlogback.configurationFile}
 * or a {@code logback-test.xml} on the class path (the tests') is left to logback as before.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        boolean fileAsked = System.getProperty("logback.configurationFile") != null
                || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null;
        return configure(context, fileAsked, System.getenv("PARLEY_LOG_LEVEL"));
    }

    /** The set-up, unless a configuration file was asked for (then logback's own chain reads it). */
    static ExecutionStatus configure(LoggerContext context, boolean fileAsked, String levelName) {
        if (fileAsked) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(levelName));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code PARLEY_LOG_LEVEL} as a level; unset or not a level name is {@code WARN}. */
    static Level level(String name) {
        return Level.toLevel(name == null ? null : name.strip(), Level.WARN);
    }
}
