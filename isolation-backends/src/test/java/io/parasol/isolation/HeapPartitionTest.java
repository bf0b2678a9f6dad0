package io.parasol.isolation;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.irq.ExtIntSource;
import io.parasol.machine.memory.GuestMemoryException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HeapPartitionTest {
  @Test
  void memoryFollowsTheConfiguredHole() throws GuestMemoryException {
    // 3 MiB with a 2 MiB hole: 2 MiB low, 1 MiB from 4 GiB.
    HeapPartition p = new HeapPartition(new PartitionConfig(3 << 20, 1, 2 << 20));
    assertEquals(3 << 20, p.memory().sizeBytes());
    assertTrue(p.memory().isRam(0, 2 << 20));
    assertFalse(p.memory().isRam(2 << 20, 1), "the hole is not RAM");
    assertTrue(p.memory().isRam(PartitionConfig.FOUR_GIB, 1 << 20));

    MemorySegment src = Arena.ofAuto().allocate(4);
    src.setAtIndex(JAVA_INT, 0, 0x12345678);
    p.memory().write(PartitionConfig.FOUR_GIB + 16, src);
    MemorySegment dst = Arena.ofAuto().allocate(4);
    p.memory().read(PartitionConfig.FOUR_GIB + 16, dst);
    assertArrayEquals(src.toArray(JAVA_BYTE), dst.toArray(JAVA_BYTE));
  }

  @Test
  void vcpusCannotRunButRememberTheirWiring() {
    HeapPartition p = new HeapPartition(new PartitionConfig(1 << 20, 2));
    HeapVirtualProcessor bsp = p.vp(0);
    assertEquals(1, p.vp(1).index());
    assertThrows(IllegalArgumentException.class, () -> p.vp(2));

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> bsp.run(null));
    assertEquals("a heap partition cannot run guests", e.getMessage());

    ExtIntSource pic =
        new ExtIntSource() {
          @Override
          public boolean interruptPending() {
            return false;
          }

          @Override
          public int acknowledgeInterrupt() {
            return 0x27;
          }
        };
    bsp.setExtIntSource(pic);
    assertSame(pic, bsp.extIntSource());
    bsp.extIntChanged();
    bsp.extIntChanged();
    assertEquals(2, bsp.extIntChanges());
    assertEquals(0, p.vp(1).extIntChanges());

    bsp.requestStop();
    assertTrue(bsp.stopRequested());
    bsp.clearStopRequest();
    assertFalse(bsp.stopRequested());
  }

  @Test
  void registersAndMsrsReadBackWhatWasSet() throws HypervisorException {
    HeapVirtualProcessor vp = HeapPartition.ofSize(1 << 20).vp(0);
    assertEquals(0xFFF0, vp.getRegisters().rip());
    vp.setRegisters(X86Registers.atEntry(0x1000));
    assertEquals(0x1000, vp.getRegisters().rip());
    assertThrows(HypervisorException.class, vp::getSpecialRegisters);
    assertThrows(HypervisorException.class, () -> vp.getMsr(0x10));
    vp.setMsr(0x10, 42);
    assertEquals(42, vp.getMsr(0x10));
  }

  @Test
  void msisAreRecordedUpToTheHistoryLimitAndAllCounted() {
    HeapPartition p = HeapPartition.ofSize(1 << 20);
    p.msiTarget().signalMsi(0xFEE0_0000L, 0x4031);
    assertEquals(new HeapPartition.Msi(0xFEE0_0000L, 0x4031), p.msis().getFirst());
    assertEquals(0x31, p.msis().getFirst().vector());
    for (int i = 0; i < HeapPartition.MSI_HISTORY + 10; i++) {
      p.msiTarget().signalMsi(0xFEE0_0000L, i & 0xFF);
    }
    assertEquals(HeapPartition.MSI_HISTORY + 11, p.msiCount());
    assertEquals(HeapPartition.MSI_HISTORY, p.msis().size());
    assertEquals(
        (HeapPartition.MSI_HISTORY + 9) & 0xFF, p.msis().getLast().vector(), "newest kept");
    p.clearMsis();
    assertEquals(0, p.msiCount());
    assertTrue(p.msis().isEmpty());
  }

  @Test
  void ioApicRoutesKeepTheLastPerPin() {
    HeapPartition p = HeapPartition.ofSize(1 << 20);
    p.setIoApicRoute(2, 0xFEE0_0000L, 0x30, true);
    p.setIoApicRoute(2, 0xFEE0_0000L, 0x31, false);
    p.setIoApicRoute(4, 0xFEE0_0000L, 0x34, false);
    assertEquals(3, p.ioApicRouteUpdates());
    assertEquals(
        new HeapPartition.IoApicRoute(2, 0xFEE0_0000L, 0x31, false), p.ioApicRoutes().get(2));
    assertEquals(2, p.ioApicRoutes().size());
  }

  @Test
  void notifiersAreRefusedWithAHypervisorException() {
    HeapPartition p = HeapPartition.ofSize(1 << 20);
    HypervisorException e =
        assertThrows(
            HypervisorException.class,
            () -> p.ioEventNotifier(false, 0x3F8, 1, OptionalLong.empty()));
    assertTrue(e.getMessage().contains("not supported by a heap partition"), e.getMessage());
    assertThrows(HypervisorException.class, () -> p.irqNotifier(0xFEE0_0000L, 0x30));
    assertFalse(p.isClosed());
    p.close();
    assertTrue(p.isClosed());
  }
}
