package io.parasol.tpm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

  @Test
  void logsAtMostTheBurstPerMinuteAndCountsTheRest() {
    Logger logger = (Logger) LoggerFactory.getLogger("test.rate-limited." + System.nanoTime());
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    logger.setAdditive(false);

    RateLimitedLog log = new RateLimitedLog(logger, 2);
    for (int i = 0; i < 5; i++) {
      log.warn("bad client {}", i);
    }

    assertEquals(2, appender.list.size());
    assertEquals("bad client 0", appender.list.get(0).getFormattedMessage());
    assertEquals("bad client 1", appender.list.get(1).getFormattedMessage());
    assertEquals(3, log.suppressed());
    assertTrue(appender.list.stream().allMatch(e -> e.getLevel().toString().equals("WARN")));
  }
}
