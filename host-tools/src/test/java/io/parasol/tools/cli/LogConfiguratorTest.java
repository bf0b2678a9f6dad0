package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {
  private static LoggingEvent event(Level level, String message, Throwable t, Object... args) {
    LoggerContext context = new LoggerContext();
    LoggingEvent e =
        new LoggingEvent(
            "fqcn",
            context.getLogger("io.parasol.paravisor.vm.VmLifecycle"),
            level,
            message,
            t,
            args);
    e.setThreadName("vcpu-0");
    e.setTimeStamp(
        LocalDateTime.of(2026, 11, 21, 9, 5, 7, 42_000_000)
            .atZone(ZoneId.systemDefault())
            .toInstant()
            .toEpochMilli());
    return e;
  }

  @Test
  void aLineHasTheTimeLevelThreadSimpleNameAndMessage() {
    String line =
        new LogConfigurator.LineLayout()
            .doLayout(event(Level.INFO, "the guest {} ({})", null, "powered off", 0));
    assertEquals(
        "09:05:07.042 INFO  [vcpu-0] VmLifecycle: the guest powered off (0)"
            + System.lineSeparator(),
        line);
  }

  @Test
  void anExceptionFollowsWithItsCauses() {
    Exception e = new IllegalStateException("outer", new java.io.IOException("inner"));
    String text = new LogConfigurator.LineLayout().doLayout(event(Level.WARN, "boom", e));
    String[] lines = text.split(System.lineSeparator());
    assertEquals("09:05:07.042 WARN  [vcpu-0] VmLifecycle: boom", lines[0]);
    assertEquals("java.lang.IllegalStateException: outer", lines[1]);
    assertTrue(lines[2].startsWith("\tat io.parasol.tools.cli.LogConfiguratorTest"), lines[2]);
    assertTrue(text.contains("Caused by: java.io.IOException: inner"), text);
  }
}
