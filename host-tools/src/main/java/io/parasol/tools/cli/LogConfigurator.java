package io.parasol.tools.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.slf4j.Logger;

/**
 * The CLI's logging, set up in code rather than from a {@code logback.xml}: parsing XML costs
 * Logback's Joran and the JDK's XML parser (some 400 classes) at every start, and a pattern
 * layout's parser and reflectively made converters cost tens of milliseconds more, which is much of
 * a start-up on a slow host. Logs go to standard error, so the guest's console on standard output
 * stays clean; the root level is WARN until {@code --log-level} changes it. Found by Logback
 * through {@code META-INF/services}.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    LineLayout layout = new LineLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * One line per event, {@code 12:34:56.789 WARN [thread] SimpleLoggerName: message}, then the
   * stack trace of an attached exception (with its causes), as Logback's {@code %d{HH:mm:ss.SSS}
   * %-5level [%thread] %logger{0}: %msg%n} pattern writes it.
   */
  static final class LineLayout extends LayoutBase<ILoggingEvent> {
    /** Looked up at the first event: a run that logs nothing never loads the time-zone rules. */
    private ZoneId zone;

    @Override
    public String doLayout(ILoggingEvent event) {
      if (zone == null) {
        zone = ZoneId.systemDefault();
      }
      LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
      StringBuilder line = new StringBuilder(128);
      two(line, t.getHour()).append(':');
      two(line, t.getMinute()).append(':');
      two(line, t.getSecond()).append('.');
      int millis = t.getNano() / 1_000_000;
      line.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10));
      line.append((char) ('0' + millis % 10)).append(' ');
      String level = event.getLevel().toString();
      line.append(level).repeat(' ', Math.max(0, 5 - level.length()));
      line.append(" [").append(event.getThreadName()).append("] ");
      String logger = event.getLoggerName();
      line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
      line.append(event.getFormattedMessage()).append(System.lineSeparator());
      for (IThrowableProxy p = event.getThrowableProxy(); p != null; p = p.getCause()) {
        line.append(p == event.getThrowableProxy() ? "" : "Caused by: ");
        line.append(p.getClassName()).append(": ").append(p.getMessage());
        line.append(System.lineSeparator());
        for (StackTraceElementProxy frame : p.getStackTraceElementProxyArray()) {
          line.append('\t').append(frame.getSTEAsString()).append(System.lineSeparator());
        }
      }
      return line.toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
      return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
  }
}
