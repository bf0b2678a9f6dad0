package io.parasol.igvm.build;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.VbsRegister;
import java.util.ArrayList;
import java.util.List;

/** One {@link EntryState} in each platform's VP context format (format reference §7.5, §11). */
public final class VpContexts {
  private static final int GDT_LIMIT = 0x1F; // four 8-byte descriptors
  private static final long RFLAGS = 0x2;
  private static final long PAT = 0x0007_0406_0007_0406L;

  private VpContexts() {}

  /** IgvmNativeVpContextX64 (232 bytes) padded to a page: NATIVE (and SEV) platforms. */
  public static Blob nativeContext(EntryState s) {
    byte[] b = new byte[4096];
    putLong(b, 32, s.rsp());
    putLong(b, 48, s.rsi());
    putLong(b, 128, s.rip());
    putLong(b, 136, RFLAGS);
    putShort(b, 158, GDT_LIMIT);
    putLong(b, 160, Layout.GDT_GPA);
    putShort(b, 168, s.codeSelector());
    putShort(b, 170, s.codeAttributes());
    putInt(b, 176, 0xFFFF_FFFF);
    putShort(b, 180, EntryState.DATA_SELECTOR);
    putShort(b, 182, EntryState.DATA_ATTRIBUTES);
    putInt(b, 188, 0xFFFF_FFFF);
    putLong(b, 200, s.cr0());
    putLong(b, 208, s.effectiveCr3());
    putLong(b, 216, s.cr4());
    putLong(b, 224, s.efer());
    return Blob.of(b);
  }

  /** An AMD VMSA page for SEV-SNP: SNP active, EFER.SVME set as SEV-ES requires. */
  public static Blob snpVmsa(EntryState s) {
    byte[] b = new byte[4096];
    for (int i = 0; i < 6; i++) { // ES, CS, SS, DS, FS, GS
      boolean code = i == 1;
      segment(
          b,
          0x10 * i,
          code ? s.codeSelector() : EntryState.DATA_SELECTOR,
          svmAttributes(code ? s.codeAttributes() : EntryState.DATA_ATTRIBUTES),
          0xFFFF_FFFF,
          0);
    }
    segment(b, 0x60, 0, 0, GDT_LIMIT, Layout.GDT_GPA); // GDTR
    segment(b, 0x70, 0, 0x82, 0xFFFF, 0); // LDTR
    segment(b, 0x80, 0, 0, 0xFFFF, 0); // IDTR
    segment(b, 0x90, 0, 0x8B, 0xFFFF, 0); // TR, busy 32-bit TSS
    putLong(b, 0xD0, s.efer() | 0x1000); // EFER.SVME
    putLong(b, 0x148, s.cr4());
    putLong(b, 0x150, s.effectiveCr3());
    putLong(b, 0x158, s.cr0());
    putLong(b, 0x160, 0x400); // DR7
    putLong(b, 0x168, 0xFFFF_0FF0L); // DR6
    putLong(b, 0x170, RFLAGS);
    putLong(b, 0x178, s.rip());
    putLong(b, 0x1D8, s.rsp());
    putLong(b, 0x268, PAT);
    putLong(b, 0x330, s.rsi());
    putLong(b, 0x3B0, 0x1); // SEV_FEATURES: SNP active
    putLong(b, 0x3E8, 0x1); // XCR0: x87
    putInt(b, 0x408, 0x1F80); // MXCSR
    putShort(b, 0x410, 0x37F); // X87_FCW
    return Blob.of(b);
  }

  /** The VBS register list (VTL 0), in a fixed order. */
  public static Blob vbsContext(EntryState s) {
    List<VbsRegister> r = new ArrayList<>();
    r.add(VbsRegister.of(0, 0x20010, s.rip())); // RIP
    r.add(VbsRegister.of(0, 0x20004, s.rsp())); // RSP
    r.add(VbsRegister.of(0, 0x20006, s.rsi())); // RSI
    r.add(VbsRegister.of(0, 0x20011, RFLAGS)); // RFLAGS
    r.add(VbsRegister.of(0, 0x40000, s.cr0())); // CR0
    r.add(VbsRegister.of(0, 0x40002, s.effectiveCr3())); // CR3
    r.add(VbsRegister.of(0, 0x40003, s.cr4())); // CR4
    r.add(VbsRegister.of(0, 0x80001, s.efer())); // EFER
    r.add(VbsRegister.of(0, 0x80004, PAT)); // PAT
    int[] segments = {0x60000, 0x60001, 0x60002, 0x60003, 0x60004, 0x60005}; // ES CS SS DS FS GS
    for (int i = 0; i < segments.length; i++) {
      boolean code = i == 1;
      byte[] v = new byte[16];
      putInt(v, 8, 0xFFFF_FFFF);
      putShort(v, 12, code ? s.codeSelector() : EntryState.DATA_SELECTOR);
      putShort(v, 14, code ? s.codeAttributes() : EntryState.DATA_ATTRIBUTES);
      r.add(new VbsRegister(0, segments[i], Blob.of(v)));
    }
    byte[] gdtr = new byte[16];
    putShort(gdtr, 6, GDT_LIMIT);
    putLong(gdtr, 8, Layout.GDT_GPA);
    r.add(new VbsRegister(0, 0x70001, Blob.of(gdtr))); // GDTR
    return VbsRegister.encode(r);
  }

  /** The GDT page: 0x08 flat code32, 0x10 flat data, 0x18 code64. */
  public static byte[] gdt() {
    byte[] b = new byte[4096];
    putLong(b, 0x08, 0x00CF_9B00_0000_FFFFL);
    putLong(b, 0x10, 0x00CF_9300_0000_FFFFL);
    putLong(b, 0x18, 0x00AF_9B00_0000_FFFFL);
    return b;
  }

  /** Page tables identity-mapping 4 GiB with 2 MiB pages: PML4, PDPT and four PDs (6 pages). */
  public static byte[] pageTables() {
    byte[] b = new byte[6 * 4096];
    putLong(b, 0, Layout.PDPT_GPA | 0x3); // PML4[0] -> PDPT, present|writable
    for (int i = 0; i < 4; i++) {
      putLong(b, 0x1000 + 8 * i, (Layout.PD_GPA + 0x1000L * i) | 0x3);
    }
    for (int i = 0; i < 4 * 512; i++) {
      putLong(b, 0x2000 + 8 * i, ((long) i << 21) | 0x83); // present|writable|PS
    }
    return b;
  }

  /** SVM's 12-bit attribute form of a 16-bit IGVM attribute. */
  private static int svmAttributes(int attributes) {
    return (attributes & 0xFF) | ((attributes >>> 4) & 0xF00);
  }

  private static void segment(
      byte[] b, int at, int selector, int attributes, int limit, long base) {
    putShort(b, at, selector);
    putShort(b, at + 2, attributes);
    putInt(b, at + 4, limit);
    putLong(b, at + 8, base);
  }

  static void putShort(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  static void putInt(byte[] b, int at, int v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  static void putLong(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
