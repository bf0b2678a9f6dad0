package io.parasol.paravisor.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fields Parasol reads from a bzImage's setup header (Linux Documentation/arch/x86/boot.rst,
 * "The Real-Mode Kernel Header"), checked for what the 64-bit boot protocol needs.
 *
 * @param version boot protocol version, major in the high byte ({@code 0x020F} is 2.15)
 * @param setupSects 512-byte setup sectors after the boot sector (a 0 in the file reads as 4)
 * @param loadFlags the {@code loadflags} byte as the file has it
 * @param xLoadFlags the {@code xloadflags} word
 * @param kernelAlignment the alignment a relocatable kernel needs
 * @param relocatable whether the kernel may be loaded at any {@code kernelAlignment} address
 * @param prefAddress the preferred load address of the protected-mode kernel
 * @param initSize bytes the kernel needs from its load address before it has set up memory
 * @param cmdlineSize the longest command line the kernel takes, without the terminating NUL
 * @param initrdAddrMax the highest address the initrd's last byte may have
 * @param headerEnd offset one past the header's last byte: {@code 0x202} plus the byte at 0x201
 */
public record SetupHeader(
    int version,
    int setupSects,
    int loadFlags,
    int xLoadFlags,
    long kernelAlignment,
    boolean relocatable,
    long prefAddress,
    long initSize,
    long cmdlineSize,
    long initrdAddrMax,
    int headerEnd) {

  // Offsets in the boot sector / zero page (boot.rst, "The Real-Mode Kernel Header").
  static final int SETUP_SECTS = 0x1F1;
  static final int SYSSIZE = 0x1F4;
  static final int BOOT_FLAG = 0x1FE;
  static final int JUMP = 0x200;
  static final int HEADER = 0x202;
  static final int VERSION = 0x206;
  static final int LOADFLAGS = 0x211;
  static final int INITRD_ADDR_MAX = 0x22C;
  static final int KERNEL_ALIGNMENT = 0x230;
  static final int RELOCATABLE_KERNEL = 0x234;
  static final int XLOADFLAGS = 0x236;
  static final int CMDLINE_SIZE = 0x238;
  static final int PREF_ADDRESS = 0x258;
  static final int INIT_SIZE = 0x260;

  /** The last field Parasol reads ends here; a 2.12 header is longer. */
  static final int MIN_HEADER_END = INIT_SIZE + 4;

  /** {@code 0xAA55}, the boot sector signature. */
  public static final int BOOT_FLAG_MAGIC = 0xAA55;

  /** {@code "HdrS"} read little-endian. */
  public static final int HEADER_MAGIC = 0x5372_6448;

  /** The first version with {@code xloadflags} and so the 64-bit entry point: 2.12. */
  public static final int MIN_VERSION = 0x020C;

  /** loadflags bit 0: the protected-mode code is loaded at 0x100000 (a bzImage). */
  public static final int LOADED_HIGH = 0x01;

  /** loadflags bit 5: (write) suppress early messages; unused here. */
  public static final int QUIET_FLAG = 0x20;

  /** loadflags bit 6: (write) do not reload segments in the 32-bit entry point. */
  public static final int KEEP_SEGMENTS = 0x40;

  /** loadflags bit 7: (write) {@code heap_end_ptr} is valid. */
  public static final int CAN_USE_HEAP = 0x80;

  /** xloadflags bit 0: the kernel has the legacy 64-bit entry point at load address + 0x200. */
  public static final int XLF_KERNEL_64 = 0x01;

  /** xloadflags bit 1: kernel, boot_params, command line and initrd may sit above 4 GiB. */
  public static final int XLF_CAN_BE_LOADED_ABOVE_4G = 0x02;

  /** The byte count of a setup sector. */
  public static final int SECTOR = 512;

  /**
   * Parses and checks the header of {@code image}.
   *
   * @param name the image's name, for messages
   * @throws BootException if the image is not a bzImage the 64-bit boot protocol can load
   */
  public static SetupHeader parse(String name, byte[] image) throws BootException {
    if (image.length < BOOT_FLAG + 2) {
      throw new BootException(
          String.format(
              "%s is not a Linux bzImage: it is only %d bytes, too short for a boot sector",
              name, image.length));
    }
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    if ((b.getShort(BOOT_FLAG) & 0xFFFF) != BOOT_FLAG_MAGIC) {
      throw new BootException(
          name + " is not a Linux bzImage: it has no boot sector signature 0xAA55 at 0x1FE");
    }
    if (image.length < HEADER + 4 || b.getInt(HEADER) != HEADER_MAGIC) {
      throw new BootException(
          name
              + " is not a Linux bzImage: it has no \"HdrS\" setup header magic at 0x202"
              + " (a kernel older than 2.0 or not a kernel)");
    }
    if (image.length < VERSION + 2) {
      throw new BootException(name + " is truncated inside its setup header");
    }
    int version = b.getShort(VERSION) & 0xFFFF;
    if (version < MIN_VERSION) {
      throw new BootException(
          String.format(
              "%s speaks boot protocol %s, older than 2.12: Parasol needs a kernel that supports"
                  + " the 64-bit boot protocol",
              name, versionString(version)));
    }
    int headerEnd = HEADER + (image[JUMP + 1] & 0xFF);
    if (headerEnd < MIN_HEADER_END) {
      throw new BootException(
          String.format(
              "%s has a setup header ending at 0x%x, too short for protocol %s",
              name, headerEnd, versionString(version)));
    }
    int setupSects = image[SETUP_SECTS] & 0xFF;
    if (setupSects == 0) {
      setupSects = 4;
    }
    long setupBytes = (setupSects + 1L) * SECTOR;
    if (image.length < Math.max(headerEnd, setupBytes)) {
      throw new BootException(
          String.format(
              "%s is truncated: %d bytes, but its %d setup sectors end at %d",
              name, image.length, setupSects, setupBytes));
    }
    long kernelBytes = (b.getInt(SYSSIZE) & 0xFFFF_FFFFL) * 16;
    if (kernelBytes == 0 || image.length - setupBytes < kernelBytes) {
      throw new BootException(
          String.format(
              "%s is truncated: its header announces %d bytes of protected-mode kernel after the"
                  + " setup, but the file has %d",
              name, kernelBytes, image.length - setupBytes));
    }
    int loadFlags = image[LOADFLAGS] & 0xFF;
    if ((loadFlags & LOADED_HIGH) == 0) {
      throw new BootException(
          name
              + " is a zImage (loadflags LOADED_HIGH clear): Parasol loads only bzImages, whose"
              + " kernel runs at 1 MiB or above");
    }
    int xLoadFlags = b.getShort(XLOADFLAGS) & 0xFFFF;
    if ((xLoadFlags & XLF_KERNEL_64) == 0) {
      throw new BootException(
          name
              + " has no 64-bit entry point (xloadflags XLF_KERNEL_64 clear): Parasol boots only"
              + " x86-64 kernels through the 64-bit boot protocol");
    }
    long kernelAlignment = b.getInt(KERNEL_ALIGNMENT) & 0xFFFF_FFFFL;
    if (Long.bitCount(kernelAlignment) != 1) {
      throw new BootException(
          String.format(
              "%s has kernel_alignment 0x%x, which is not a power of two", name, kernelAlignment));
    }
    return new SetupHeader(
        version,
        setupSects,
        loadFlags,
        xLoadFlags,
        kernelAlignment,
        image[RELOCATABLE_KERNEL] != 0,
        b.getLong(PREF_ADDRESS),
        b.getInt(INIT_SIZE) & 0xFFFF_FFFFL,
        b.getInt(CMDLINE_SIZE) & 0xFFFF_FFFFL,
        b.getInt(INITRD_ADDR_MAX) & 0xFFFF_FFFFL,
        headerEnd);
  }

  /** Offset in the file of the protected-mode kernel: after the boot sector and setup sectors. */
  public int kernelOffset() {
    return (setupSects + 1) * SECTOR;
  }

  /** The protocol version as "major.minor". */
  public String versionString() {
    return versionString(version);
  }

  static String versionString(int version) {
    return (version >>> 8) + "." + (version & 0xFF);
  }
}
