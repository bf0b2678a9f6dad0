package io.parasol.virtio.rng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.virtio.device.DeviceHarness;
import io.parasol.virtio.queue.MockDriver;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VirtioRngTest {
  @Test
  void fillsTheBuffersFromItsEntropySource() throws Exception {
    for (boolean packed : new boolean[] {false, true}) {
      DeviceHarness h = new DeviceHarness(new VirtioRng(new Random(42)), packed, true, 0);
      MockDriver d = h.driver(0);
      d.add(List.of(), List.of(16, 16));
      h.core.notify(0);
      MockDriver.Used used = d.pollUsed();
      assertEquals(32, used.length());
      byte[] expected = new byte[32];
      new Random(42).nextBytes(expected);
      assertArrayEquals(expected, d.lastUsedWritten(32), "the entropy source's bytes, in order");
      assertEquals(List.of(0), h.usedSignals);
    }
  }

  @Test
  void aHugeRequestGetsAtMostTheCap() throws Exception {
    DeviceHarness h = new DeviceHarness(new VirtioRng(new Random(1)), false, false, 0);
    MockDriver d = h.driver(0);
    d.add(List.of(), List.of(100_000));
    h.core.notify(0);
    assertEquals(VirtioRng.MAX_BYTES_PER_REQUEST, d.pollUsed().length());
    assertNull(d.pollUsed());
  }

  @Test
  void aBadChainMeansNeedsResetNotAnException() throws Exception {
    DeviceHarness h = new DeviceHarness(new VirtioRng(new Random(1)), false, false, 0);
    MockDriver d = h.driver(0);
    d.writeSplitDesc(0, 0x100000, 16, 1, 0); // loops
    d.publishSplit(0);
    h.core.notify(0);
    assertTrue(h.needsReset());
  }
}
