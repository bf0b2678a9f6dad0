package io.parasol.isolation.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.parasol.isolation.kvm.CpuidEntries.Entry;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuidEntriesTest {
  private static final CpuidEntries SUPPORTED =
      new CpuidEntries(
          List.of(
              new Entry(0x0, 0, 0, 0x1F, 0x756e6547, 0x6c65746e, 0x49656e69),
              // leaf 1: MONITOR (ECX bit 3) and VMX (bit 5) offered, x2APIC (bit 21) too.
              new Entry(0x1, 0, 0, 0x000806F8, 0x00010800, (1 << 3) | (1 << 5) | (1 << 21), 0),
              new Entry(0x4, 0, 1, 0x00000121, 0, 0, 0),
              new Entry(0x4, 3, 1, 0x00000163, 0, 0, 0),
              new Entry(0xB, 0, 1, 1, 2, 0x100, 7),
              new Entry(0x40000000, 0, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d)));

  @Test
  void leafOneCarriesApicIdCountAndHypervisorBitAndHidesHostFeatures() {
    Entry leaf1 = SUPPORTED.forVcpu(3, 4).find(0x1, 0);
    assertEquals(3, leaf1.ebx() >>> 24);
    assertEquals(4, (leaf1.ebx() >>> 16) & 0xFF);
    assertEquals(0x0800, leaf1.ebx() & 0xFFFF); // CLFLUSH size kept
    assertEquals(1 << 21 | 1 << 31, leaf1.ecx()); // x2APIC kept, hypervisor set, MONITOR/VMX hidden
    assertEquals(1 << 28, leaf1.edx()); // HTT: more than one logical processor
  }

  @Test
  void theTscDeadlineTimerKvmReportsAsACapabilityReachesEveryVcpu() {
    Entry leaf1 = SUPPORTED.withTscDeadlineTimer().forVcpu(1, 2).find(0x1, 0);
    assertEquals(1 << 21 | 1 << 24 | 1 << 31, leaf1.ecx());
    assertEquals(0, SUPPORTED.forVcpu(1, 2).find(0x1, 0).ecx() & (1 << 24));
  }

  @Test
  void extendedTopologyIsOneThreadPerCore() {
    CpuidEntries cpuid = SUPPORTED.forVcpu(2, 3);
    Entry smt = cpuid.find(0xB, 0);
    Entry core = cpuid.find(0xB, 1);
    Entry end = cpuid.find(0xB, 2);
    assertEquals(List.of(0, 1, 0x100, 2), List.of(smt.eax(), smt.ebx(), smt.ecx(), smt.edx()));
    assertEquals(List.of(2, 3, 0x201, 2), List.of(core.eax(), core.ebx(), core.ecx(), core.edx()));
    assertEquals(0, end.ebx());
  }

  @Test
  void leafFourCountsCoresAndSharesOnlyTheLastLevelCache() {
    CpuidEntries cpuid = SUPPORTED.forVcpu(0, 4);
    assertEquals(3, cpuid.find(0x4, 0).eax() >>> 26);
    assertEquals(0, (cpuid.find(0x4, 0).eax() >>> 14) & 0xFFF);
    assertEquals(3, (cpuid.find(0x4, 3).eax() >>> 14) & 0xFFF);
  }

  @Test
  void hypervisorLeavesPassThroughAndTheTableRoundTrips() {
    CpuidEntries cpuid = SUPPORTED.forVcpu(0, 1);
    assertNotNull(cpuid.find(0x40000000, 0));
    try (Arena arena = Arena.ofConfined()) {
      assertEquals(cpuid.entries(), CpuidEntries.fromKvmCpuid2(cpuid.toKvmCpuid2(arena)).entries());
    }
  }

  @Test
  void theBrandStringFillsTheThreeExtendedLeavesLittleEndianAndNulPadded() {
    CpuidEntries t =
        new CpuidEntries(
                List.of(
                    new Entry(0x8000_0000, 0, 0, 0x8000_0008, 0, 0, 0),
                    new Entry(0x8000_0002, 0, 0, 0, 0, 0, 0)))
            .withBrandString("  AMD EPYC Processor ");
    assertEquals(4, t.entries().size());
    StringBuilder brand = new StringBuilder();
    for (int leaf = 0x8000_0002; leaf <= 0x8000_0004; leaf++) {
      Entry e = t.find(leaf, 0);
      for (int r : new int[] {e.eax(), e.ebx(), e.ecx(), e.edx()}) {
        for (int b = 0; b < 4; b++) {
          brand.append((char) ((r >>> (8 * b)) & 0xFF));
        }
      }
    }
    assertEquals("AMD EPYC Processor" + "\0".repeat(30), brand.toString());
    assertEquals(0x20444d41, t.find(0x8000_0002, 0).eax(), "'AMD ' little-endian");
  }

  @Test
  void noBrandWhereTheTableStopsShortOfTheLeavesOrTheHostNamesNone() {
    CpuidEntries short1 =
        new CpuidEntries(List.of(new Entry(0x8000_0000, 0, 0, 0x8000_0001, 0, 0, 0)));
    assertEquals(short1.entries(), short1.withBrandString("Some CPU").entries());
    CpuidEntries full =
        new CpuidEntries(List.of(new Entry(0x8000_0000, 0, 0, 0x8000_0008, 0, 0, 0)));
    assertEquals(full.entries(), full.withBrandString(null).entries());
    assertEquals(full.entries(), full.withBrandString(" ").entries());
  }
}
