package io.parasol.isolation.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.machine.io.AccessSize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class KvmIoDataTest {
  @Test
  void readsAndWritesAtEachWidthWithoutTouchingNeighbours() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment page = arena.allocate(64);
      page.set(ValueLayout.JAVA_LONG_UNALIGNED, 40, 0x8877665544332211L);
      KvmIoData data = new KvmIoData(page);
      data.point(41, AccessSize.BYTE);
      assertEquals(0x22, data.value());
      data.point(41, AccessSize.WORD);
      assertEquals(0x3322, data.value());
      data.point(40, AccessSize.DWORD);
      assertEquals(0x44332211L, data.value());
      data.point(40, AccessSize.QWORD);
      assertEquals(0x8877665544332211L, data.value());
      data.point(42, AccessSize.WORD);
      data.setValue(0xFFFF_ABCDL); // bits above the width are ignored
      assertEquals(0x8877_6655_ABCD_2211L, page.get(ValueLayout.JAVA_LONG_UNALIGNED, 40));
    }
  }
}
