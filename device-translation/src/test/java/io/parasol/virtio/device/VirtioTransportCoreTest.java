package io.parasol.virtio.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.virtio.queue.ChainReader;
import io.parasol.virtio.queue.ChainWriter;
import io.parasol.virtio.queue.DescriptorChain;
import io.parasol.virtio.queue.MockDriver;
import io.parasol.virtio.queue.VirtioFeature;
import io.parasol.virtio.queue.Virtqueue;
import io.parasol.virtio.queue.VirtqueueException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status / feature / queue state machine, driven the way §3.1.1 says a driver does. */
class VirtioTransportCoreTest {
  /** Echoes each buffer's readable bytes into its writable bytes, reversed. */
  static final class ReverseDevice implements VirtioDevice {
    DeviceContext context;
    int activations;
    int resets;

    @Override
    public int deviceId() {
      return 0x7F;
    }

    @Override
    public long deviceFeatures() {
      return 1L << 3;
    }

    @Override
    public int queueCount() {
      return 1;
    }

    @Override
    public int configSizeBytes() {
      return 4;
    }

    @Override
    public void readConfig(int offset, byte[] dst) {
      for (int i = 0; i < dst.length; i++) {
        dst[i] = (byte) (0xA0 + offset + i);
      }
    }

    @Override
    public void activate(DeviceContext context) {
      this.context = context;
      activations++;
    }

    @Override
    public void queueNotify(int queue) {
      Virtqueue q = context.queue(queue);
      try {
        for (DescriptorChain c; (c = q.pop()) != null; ) {
          byte[] in = new ChainReader(context.memory(), c).readBytes((int) c.readableBytes());
          byte[] out = new byte[in.length];
          for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
          }
          ChainWriter w = new ChainWriter(context.memory(), c);
          w.write(out);
          q.pushUsed(c, w.written());
        }
        context.interruptIfNeeded(queue);
      } catch (VirtqueueException | GuestMemoryException e) {
        context.needsReset(e.getMessage());
      }
    }

    @Override
    public void reset() {
      context = null;
      resets++;
    }
  }

  static final class RecordingInterrupt implements VirtioInterrupt {
    final List<Integer> queues = new ArrayList<>();
    int configChanges;

    @Override
    public void signalUsedBuffers(int queue) {
      queues.add(queue);
    }

    @Override
    public void signalConfigChange() {
      configChanges++;
    }
  }

  /** §3.1.1 steps 1-8 with {@code driver}'s features and queue. */
  static void initialize(VirtioTransportCore core, MockDriver driver) {
    core.setStatus(0);
    core.setStatus(DeviceStatus.ACKNOWLEDGE);
    core.setStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    long f = driver.features() & core.offeredFeatures();
    core.setDriverFeatureWord(0, (int) f);
    core.setDriverFeatureWord(1, (int) (f >>> 32));
    core.setStatus(core.status() | DeviceStatus.FEATURES_OK);
    assertTrue((core.status() & DeviceStatus.FEATURES_OK) != 0, "features accepted");
    core.setQueueSize(0, driver.size());
    core.setQueueDescGpa(0, driver.layout().descGpa());
    core.setQueueDriverGpa(0, driver.layout().driverGpa());
    core.setQueueDeviceGpa(0, driver.layout().deviceGpa());
    core.enableQueue(0);
    core.setStatus(core.status() | DeviceStatus.DRIVER_OK);
  }

  private static MockDriver driver(boolean packed) {
    return new MockDriver(
        io.parasol.machine.memory.SegmentGuestMemory.ofHeap(1 << 20),
        packed,
        16,
        true,
        true,
        0x1000,
        0x10000,
        1 << 20);
  }

  @Test
  void aDriverThatFollowsTheSpecGetsWorkDone() throws Exception {
    for (boolean packed : new boolean[] {false, true}) {
      MockDriver d = driver(packed);
      ReverseDevice dev = new ReverseDevice();
      RecordingInterrupt irq = new RecordingInterrupt();
      VirtioTransportCore core = new VirtioTransportCore(dev, d.memory(), irq);
      initialize(core, d);
      assertEquals(1, dev.activations);
      assertEquals(
          DeviceStatus.ACKNOWLEDGE
              | DeviceStatus.DRIVER
              | DeviceStatus.FEATURES_OK
              | DeviceStatus.DRIVER_OK,
          core.status());
      d.add(List.of(new byte[] {1, 2, 3}), List.of(3));
      core.notify(0);
      MockDriver.Used used = d.pollUsed();
      assertNotNull(used);
      assertArrayEquals(new byte[] {3, 2, 1}, d.lastUsedWritten(used.length()));
      assertEquals(List.of(0), irq.queues);
    }
  }

  @Test
  void featureWordsSplitAt32Bits() {
    ReverseDevice dev = new ReverseDevice();
    VirtioTransportCore core =
        new VirtioTransportCore(dev, driver(false).memory(), VirtioInterrupt.NONE);
    assertEquals(
        (1 << 3) | (1 << VirtioFeature.RING_INDIRECT_DESC) | (1 << VirtioFeature.EVENT_IDX),
        core.deviceFeatureWord(0));
    assertEquals(
        (1 << (VirtioFeature.VERSION_1 - 32)) | (1 << (VirtioFeature.RING_PACKED - 32)),
        core.deviceFeatureWord(1));
    assertEquals(0, core.deviceFeatureWord(2));
  }

  @Test
  void featuresOkDoesNotStickForUnofferedOrLegacyFeatures() {
    ReverseDevice dev = new ReverseDevice();
    VirtioTransportCore core =
        new VirtioTransportCore(dev, driver(false).memory(), VirtioInterrupt.NONE);
    core.setStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    core.setDriverFeatureWord(0, 1 << 5); // not offered
    core.setDriverFeatureWord(1, 1);
    core.setStatus(core.status() | DeviceStatus.FEATURES_OK);
    assertEquals(0, core.status() & DeviceStatus.FEATURES_OK, "unoffered bit 5");
    core.setDriverFeatureWord(0, 1 << 3);
    core.setDriverFeatureWord(1, 0); // no VERSION_1: a legacy driver
    core.setStatus(core.status() | DeviceStatus.FEATURES_OK);
    assertEquals(0, core.status() & DeviceStatus.FEATURES_OK, "legacy driver");
    core.setStatus(core.status() | DeviceStatus.DRIVER_OK);
    assertEquals(0, dev.activations, "no activation without FEATURES_OK");
  }

  @Test
  void aBadQueueLayoutAtDriverOkMeansNeedsReset() {
    MockDriver d = driver(false);
    ReverseDevice dev = new ReverseDevice();
    RecordingInterrupt irq = new RecordingInterrupt();
    VirtioTransportCore core = new VirtioTransportCore(dev, d.memory(), irq);
    core.setStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    core.setDriverFeatureWord(1, 1);
    core.setStatus(core.status() | DeviceStatus.FEATURES_OK);
    core.setQueueDescGpa(0, 0x1008); // misaligned
    core.enableQueue(0);
    core.setStatus(core.status() | DeviceStatus.DRIVER_OK);
    assertEquals(0, dev.activations);
    assertTrue((core.status() & DeviceStatus.DEVICE_NEEDS_RESET) != 0);
    assertEquals(1, irq.configChanges, "the driver hears about NEEDS_RESET");
  }

  @Test
  void aMaliciousChainPutsTheDeviceInNeedsResetAndResetRecovers() throws Exception {
    MockDriver d = driver(false);
    ReverseDevice dev = new ReverseDevice();
    RecordingInterrupt irq = new RecordingInterrupt();
    VirtioTransportCore core = new VirtioTransportCore(dev, d.memory(), irq);
    initialize(core, d);
    d.writeSplitDesc(0, 0x20000, 4, 1, 0); // loops on itself
    d.publishSplit(0);
    core.notify(0); // nothing escapes
    assertTrue((core.status() & DeviceStatus.DEVICE_NEEDS_RESET) != 0);
    assertEquals(1, irq.configChanges);
    DeviceContext stale = dev.context;
    assertTrue(stale.isStopped());
    core.notify(0); // ignored while NEEDS_RESET
    assertEquals(1, irq.configChanges);

    core.setStatus(0);
    assertEquals(0, core.status());
    assertEquals(2, dev.resets, "one at initialization, one now");
    assertEquals(0, core.queueDescGpa(0), "queue registers reset");
    stale.needsReset("late report from before the reset");
    assertEquals(0, core.status(), "a stale context cannot touch the new activation");

    MockDriver fresh = driver(true);
    VirtioTransportCore again = new VirtioTransportCore(dev, fresh.memory(), irq);
    initialize(again, fresh);
    fresh.add(List.of(new byte[] {9, 8}), List.of(2));
    again.notify(0);
    assertNotNull(fresh.pollUsed());
  }

  @Test
  void queueRegistersAreFrozenAfterDriverOkAndNotifyIsIgnoredBefore() throws Exception {
    MockDriver d = driver(false);
    ReverseDevice dev = new ReverseDevice();
    VirtioTransportCore core = new VirtioTransportCore(dev, d.memory(), VirtioInterrupt.NONE);
    core.notify(0); // before DRIVER_OK: ignored, no exception
    initialize(core, d);
    core.setQueueDescGpa(0, 0x9000);
    assertEquals(d.layout().descGpa(), core.queueDescGpa(0));
    core.setQueueSize(0, 99999);
    assertEquals(16, core.queueSize(0));
    assertNull(dev.context.queue(5));
  }

  @Test
  void configReadsOutsideTheSpaceReadZero() {
    ReverseDevice dev = new ReverseDevice();
    VirtioTransportCore core =
        new VirtioTransportCore(dev, driver(false).memory(), VirtioInterrupt.NONE);
    byte[] b = new byte[4];
    core.readConfig(2, b);
    assertArrayEquals(new byte[] {(byte) 0xA2, (byte) 0xA3, 0, 0}, b);
    core.readConfig(-1, b);
    assertArrayEquals(new byte[4], b);
  }
}
