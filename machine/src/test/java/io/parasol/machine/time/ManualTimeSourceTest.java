package io.parasol.machine.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualTimeSourceTest {
  @Test
  void timersFireInDeadlineOrderAtTheirDeadline() {
    ManualTimeSource time = new ManualTimeSource(1000);
    List<String> fired = new ArrayList<>();
    Timer late = time.newTimer("late", () -> fired.add("late@" + time.nanoTime()));
    Timer early = time.newTimer("early", () -> fired.add("early@" + time.nanoTime()));
    late.armAt(1500);
    early.armAt(1200);
    time.advance(400);
    assertEquals(List.of("early@1200"), fired);
    assertEquals(1400, time.nanoTime());
    assertTrue(late.isArmed());
    time.advance(100);
    assertEquals(List.of("early@1200", "late@1500"), fired);
    assertFalse(late.isArmed());
  }

  @Test
  void aTimerRearmedFromItsCallbackFiresPeriodicallyWithinOneAdvance() {
    ManualTimeSource time = new ManualTimeSource();
    List<Long> ticks = new ArrayList<>();
    Timer[] t = new Timer[1];
    t[0] =
        time.newTimer(
            "tick",
            () -> {
              ticks.add(time.nanoTime());
              t[0].armAt(time.nanoTime() + 10);
            });
    t[0].armAt(10);
    time.advance(35);
    assertEquals(List.of(10L, 20L, 30L), ticks);
  }

  @Test
  void cancelledTimerDoesNotFire() {
    ManualTimeSource time = new ManualTimeSource();
    List<String> fired = new ArrayList<>();
    Timer t = time.newTimer("t", () -> fired.add("x"));
    t.armAt(5);
    t.cancel();
    time.advance(10);
    assertTrue(fired.isEmpty());
  }

  @Test
  void systemTimeSourceFiresAnExpiredTimer() throws Exception {
    try (SystemTimeSource time = new SystemTimeSource("test-timers")) {
      java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
      time.newTimer("now", latch::countDown).armAt(time.nanoTime());
      assertTrue(latch.await(5, java.util.concurrent.TimeUnit.SECONDS));
    }
  }
}
