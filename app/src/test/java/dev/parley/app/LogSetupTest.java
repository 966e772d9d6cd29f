package dev.parley.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class LogSetupTest {
    @Test
    void logsToStderrAtTheLevelOfTheEnvironmentAndStopsLogbacksChain() {
        LoggerContext context = new LoggerContext();
        assertThat(LogSetup.configure(context, false, "info")).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        var appender = root.getAppender("STDERR");
        assertThat(appender).isInstanceOf(ConsoleAppender.class);
        assertThat(((ConsoleAppender<?>) appender).getTarget()).isEqualTo("System.err");
        assertThat(appender.isStarted()).isTrue();
        context.stop();
    }

    @Test
    void warnUnlessTheEnvironmentNamesALevel() {
        assertThat(LogSetup.level(null)).isEqualTo(Level.WARN);
        assertThat(LogSetup.level("nonsense")).isEqualTo(Level.WARN);
        assertThat(LogSetup.level(" DEBUG ")).isEqualTo(Level.DEBUG);
    }

    @Test
    void aConfigurationFileAskedForIsLeftToLogback() {
        LoggerContext context = new LoggerContext();
        assertThat(LogSetup.configure(context, true, "info")).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
        // the tests' own class path has a logback-test.xml: the configurator found by logback defers to it
        LogSetup found = ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
                .map(ServiceLoader.Provider::get).filter(LogSetup.class::isInstance).map(LogSetup.class::cast)
                .findFirst().orElseThrow();
        assertThat(found.configure(new LoggerContext())).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
