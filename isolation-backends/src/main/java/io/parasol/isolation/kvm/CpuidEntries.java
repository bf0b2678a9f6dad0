package io.parasol.isolation.kvm;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.parasol.isolation.kvm.sys.KvmAbi;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A CPUID table as KVM holds it ({@code kvm_cpuid_entry2} entries), and the filtering that turns
 * what KVM supports into what one Parasol vCPU shows its guest.
 */
final class CpuidEntries {
  /** One {@code kvm_cpuid_entry2}. */
  record Entry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
    Entry withRegs(int newEax, int newEbx, int newEcx, int newEdx) {
      return new Entry(function, index, flags, newEax, newEbx, newEcx, newEdx);
    }
  }

  // CPUID.01H:ECX features Parasol does not provide to the guest (Intel SDM Vol. 2A, CPUID).
  private static final int LEAF1_ECX_HIDDEN =
      (1 << 3) // MONITOR/MWAIT: nothing wakes an MWAIT in this model
          | (1 << 5) // VMX: no nested virtualisation
          | (1 << 6) // SMX
          | (1 << 7) // EST
          | (1 << 8) // TM2
          | (1 << 15) // PDCM (no perf capabilities MSR)
          | (1 << 18); // DCA
  private static final int LEAF1_ECX_HYPERVISOR = 1 << 31;
  static final int LEAF1_ECX_TSC_DEADLINE = 1 << 24;
  // CPUID.01H:EDX: ACPI thermal MSRs, TM, PBE, DS are host power/debug features.
  private static final int LEAF1_EDX_HIDDEN = (1 << 21) | (1 << 22) | (1 << 29) | (1 << 31);
  private static final int LEAF1_EDX_HTT = 1 << 28;

  private final List<Entry> entries;

  CpuidEntries(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  List<Entry> entries() {
    return entries;
  }

  /** Parses a {@code struct kvm_cpuid2} that KVM filled in. */
  static CpuidEntries fromKvmCpuid2(MemorySegment cpuid2) {
    int count = cpuid2.get(JAVA_INT, 0);
    List<Entry> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long at = KvmAbi.CPUID2_HEADER_SIZE + i * KvmAbi.CPUID_ENTRY_SIZE;
      list.add(
          new Entry(
              cpuid2.get(JAVA_INT, at + KvmAbi.CPUID_FUNCTION),
              cpuid2.get(JAVA_INT, at + KvmAbi.CPUID_INDEX),
              cpuid2.get(JAVA_INT, at + KvmAbi.CPUID_FLAGS),
              cpuid2.get(JAVA_INT, at + KvmAbi.CPUID_EAX),
              cpuid2.get(JAVA_INT, at + KvmAbi.CPUID_EBX),
              cpuid2.get(JAVA_INT, at + KvmAbi.CPUID_ECX),
              cpuid2.get(JAVA_INT, at + KvmAbi.CPUID_EDX)));
    }
    return new CpuidEntries(list);
  }

  /** Writes the table as a {@code struct kvm_cpuid2}. */
  MemorySegment toKvmCpuid2(Arena arena) {
    MemorySegment buf =
        arena.allocate(KvmAbi.CPUID2_HEADER_SIZE + entries.size() * KvmAbi.CPUID_ENTRY_SIZE, 8);
    buf.set(JAVA_INT, 0, entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      long at = KvmAbi.CPUID2_HEADER_SIZE + i * KvmAbi.CPUID_ENTRY_SIZE;
      buf.set(JAVA_INT, at + KvmAbi.CPUID_FUNCTION, e.function());
      buf.set(JAVA_INT, at + KvmAbi.CPUID_INDEX, e.index());
      buf.set(JAVA_INT, at + KvmAbi.CPUID_FLAGS, e.flags());
      buf.set(JAVA_INT, at + KvmAbi.CPUID_EAX, e.eax());
      buf.set(JAVA_INT, at + KvmAbi.CPUID_EBX, e.ebx());
      buf.set(JAVA_INT, at + KvmAbi.CPUID_ECX, e.ecx());
      buf.set(JAVA_INT, at + KvmAbi.CPUID_EDX, e.edx());
    }
    return buf;
  }

  /** This table with CPUID.01H:ECX.TSC_DEADLINE[bit 24] set. */
  CpuidEntries withTscDeadlineTimer() {
    List<Entry> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(
          e.function() == 0x1
              ? e.withRegs(e.eax(), e.ebx(), e.ecx() | LEAF1_ECX_TSC_DEADLINE, e.edx())
              : e);
    }
    return new CpuidEntries(out);
  }

  /** The processor brand string leaves, 0x80000002–0x80000004: 48 bytes of ASCII. */
  static final int BRAND_FIRST_LEAF = 0x8000_0002;

  static final int BRAND_BYTES = 48;

  /**
   * This table with {@code brand} (ASCII, cut to 47 bytes and NUL-padded) in leaves
   * 0x80000002–0x80000004, where KVM leaves them empty or out: the guest then names the processor
   * as the host does ({@code model name} in /proc/cpuinfo), as QEMU's {@code -cpu host} shows it.
   * Unchanged if the table stops short of those leaves or {@code brand} is blank.
   */
  CpuidEntries withBrandString(String brand) {
    Entry ext = find(0x8000_0000, 0);
    if (brand == null || brand.isBlank() || ext == null || ext.eax() < BRAND_FIRST_LEAF + 2) {
      return this;
    }
    byte[] ascii = new byte[BRAND_BYTES];
    byte[] b = brand.strip().getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, ascii, 0, Math.min(b.length, BRAND_BYTES - 1));
    MemorySegment regs = MemorySegment.ofArray(ascii);
    List<Entry> out = new ArrayList<>(entries.size() + 3);
    for (Entry e : entries) {
      if (e.function() < BRAND_FIRST_LEAF || e.function() > BRAND_FIRST_LEAF + 2) {
        out.add(e);
      }
    }
    for (int leaf = 0; leaf < 3; leaf++) {
      long at = leaf * 16L;
      out.add(
          new Entry(
              BRAND_FIRST_LEAF + leaf,
              0,
              0,
              regs.get(JAVA_INT_UNALIGNED_LE, at),
              regs.get(JAVA_INT_UNALIGNED_LE, at + 4),
              regs.get(JAVA_INT_UNALIGNED_LE, at + 8),
              regs.get(JAVA_INT_UNALIGNED_LE, at + 12)));
    }
    return new CpuidEntries(out);
  }

  private static final ValueLayout.OfInt JAVA_INT_UNALIGNED_LE =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** The entry for {@code function}/{@code index}, or null. */
  Entry find(int function, int index) {
    for (Entry e : entries) {
      if (e.function() == function
          && (e.index() == index || (e.flags() & KvmAbi.KVM_CPUID_FLAG_SIGNIFCANT_INDEX) == 0)) {
        return e;
      }
    }
    return null;
  }

  /**
   * The table vCPU {@code apicId} of {@code vpCount} shows: one package of {@code vpCount} cores,
   * one thread per core, APIC ID = vCPU index; hypervisor bit set; host power, thermal and
   * nested-virtualisation features hidden. Leaves Parasol has no opinion on (including KVM's
   * 0x40000000 signature leaves) pass through as KVM reports them.
   */
  CpuidEntries forVcpu(int apicId, int vpCount) {
    int coreBits = 32 - Integer.numberOfLeadingZeros(Math.max(vpCount - 1, 0));
    List<Entry> out = new ArrayList<>();
    boolean hasLeafB = false;
    boolean hasLeaf1F = false;
    for (Entry e : entries) {
      switch (e.function()) {
        case 0x1 -> {
          int ebx = (e.ebx() & 0x0000_FFFF) | (apicId << 24) | (Math.min(vpCount, 255) << 16);
          int ecx = (e.ecx() & ~LEAF1_ECX_HIDDEN) | LEAF1_ECX_HYPERVISOR;
          int edx = e.edx() & ~LEAF1_EDX_HIDDEN;
          edx = vpCount > 1 ? edx | LEAF1_EDX_HTT : edx & ~LEAF1_EDX_HTT;
          out.add(e.withRegs(e.eax(), ebx, ecx, edx));
        }
        case 0x4 -> {
          // EAX[31:26] cores per package - 1; EAX[25:14] threads sharing this cache - 1: one
          // thread per core, and only a level-3 cache is shared by the whole package.
          int level = (e.eax() >>> 5) & 0x7;
          int sharing = level >= 3 ? vpCount - 1 : 0;
          int eax = (e.eax() & 0x3FFF) | ((sharing & 0xFFF) << 14) | (((vpCount - 1) & 0x3F) << 26);
          if ((e.eax() & 0x1F) == 0) {
            eax = 0; // the terminating null cache entry stays all zero
          }
          out.add(e.withRegs(eax, e.ebx(), e.ecx(), e.edx()));
        }
        case 0x6 -> out.add(e.withRegs(e.eax() & 0x4, 0, 0, 0)); // keep only ARAT
        case 0xB -> hasLeafB = true; // rebuilt below
        case 0x1F -> hasLeaf1F = true; // rebuilt below
        default -> out.add(e);
      }
    }
    if (hasLeafB) {
      out.addAll(topologyLeaf(0xB, apicId, vpCount, coreBits));
    }
    if (hasLeaf1F) {
      out.addAll(topologyLeaf(0x1F, apicId, vpCount, coreBits));
    }
    return new CpuidEntries(out);
  }

  /**
   * Extended topology (leaf 0xB or 0x1F): SMT level with one thread per core, core level with
   * {@code vpCount} cores, then the terminating invalid level. EDX is the x2APIC ID.
   */
  private static List<Entry> topologyLeaf(int function, int apicId, int vpCount, int coreBits) {
    int flags = KvmAbi.KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
    return List.of(
        new Entry(function, 0, flags, 0, 1, 0 | (1 << 8), apicId),
        new Entry(function, 1, flags, coreBits, vpCount, 1 | (2 << 8), apicId),
        new Entry(function, 2, flags, 0, 0, 2, apicId));
  }
}
