package io.parasol.virtio.device;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.memory.SegmentGuestMemory;
import io.parasol.virtio.queue.MockDriver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A device on a {@link VirtioTransportCore} with one {@link MockDriver} per queue in 16 MiB of heap
 * guest memory, initialized as §3.1.1 says. The driver accepts every device feature in {@code
 * acceptedDeviceFeatures}. Interrupts wake {@link #awaitUntil}.
 */
public final class DeviceHarness implements VirtioInterrupt {
  public final SegmentGuestMemory memory = SegmentGuestMemory.ofHeap(16 << 20);
  public final List<MockDriver> drivers = new ArrayList<>();
  public final VirtioTransportCore core;
  public int configChanges;
  public final List<Integer> usedSignals = new ArrayList<>();

  public DeviceHarness(
      VirtioDevice device, boolean packed, boolean indirect, long acceptedDeviceFeatures) {
    core = new VirtioTransportCore(device, memory, this);
    for (int q = 0; q < device.queueCount(); q++) {
      long base = 0x1000 + q * 0x8000L;
      long heap = (1 << 20) + q * (512L << 10);
      drivers.add(
          new MockDriver(memory, packed, 32, indirect, false, base, heap, heap + (512 << 10)));
    }
    core.setStatus(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
    long f =
        drivers.get(0).features()
            | (acceptedDeviceFeatures
                & core.offeredFeatures()
                & ~VirtioTransportCore.RING_FEATURES);
    core.setDriverFeatureWord(0, (int) f);
    core.setDriverFeatureWord(1, (int) (f >>> 32));
    core.setStatus(core.status() | DeviceStatus.FEATURES_OK);
    assertTrue((core.status() & DeviceStatus.FEATURES_OK) != 0, "features accepted");
    for (int q = 0; q < drivers.size(); q++) {
      MockDriver d = drivers.get(q);
      core.setQueueSize(q, d.size());
      core.setQueueDescGpa(q, d.layout().descGpa());
      core.setQueueDriverGpa(q, d.layout().driverGpa());
      core.setQueueDeviceGpa(q, d.layout().deviceGpa());
      core.enableQueue(q);
    }
    core.setStatus(core.status() | DeviceStatus.DRIVER_OK);
  }

  public MockDriver driver(int queue) {
    return drivers.get(queue);
  }

  @Override
  public synchronized void signalUsedBuffers(int queue) {
    usedSignals.add(queue);
    notifyAll();
  }

  @Override
  public synchronized void signalConfigChange() {
    configChanges++;
    notifyAll();
  }

  /** Waits (at most 20 s, woken by interrupts) until {@code condition} holds. */
  public synchronized void awaitUntil(String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      wait(50);
    }
  }

  public boolean needsReset() {
    return (core.status() & DeviceStatus.DEVICE_NEEDS_RESET) != 0;
  }
}
