package io.parasol.igvm.build;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lays out a Linux bzImage for the x86 64-bit boot protocol (Documentation/arch/x86/boot.rst): the
 * protected-mode kernel at 1 MiB, boot_params with the image's setup header, an e820 map of the
 * recipe's RAM, the command line and the initrd; entry at load address + 0x200 in long mode with
 * RSI = boot_params.
 *
 * <p>DEVNOTE: the e820 map is the recipe's memory, fixed at build time and measured; Linux does not
 * read the IGVM MEMORY_MAP parameter (that takes a shim, as OpenHCL has).
 */
final class LinuxDirectBoot {
  static final long KERNEL_GPA = 0x10_0000;
  private static final int HDRS = 0x5372_6448; // "HdrS"
  private static final long INITRD_ALIGN = 2 << 20;

  /** A region of guest memory and its contents. */
  record Placement(long gpa, byte[] bytes) {}

  final Placement bootParams;
  final Placement cmdline;
  final Placement kernel;
  final Placement initrd; // null without one
  final EntryState entry;

  LinuxDirectBoot(
      String name, byte[] image, byte[] initrdBytes, String commandLine, long memoryBytes)
      throws BuildException {
    if (image.length < 0x270 || le32(image, 0x202) != HDRS) {
      throw new BuildException(
          name + " is not a Linux bzImage (no \"HdrS\" setup header at 0x202)");
    }
    int version = le16(image, 0x206);
    if (version < 0x020C || (image[0x236] & 0x1) == 0) {
      throw new BuildException(
          name + " has no 64-bit entry point (boot protocol 2.12+ with XLF_KERNEL_64)");
    }
    if ((image[0x211] & 0x1) == 0) {
      throw new BuildException(name + " is not a bzImage (LOADED_HIGH is clear)");
    }
    int setupSects = image[0x1F1] & 0xFF;
    if (setupSects == 0) {
      setupSects = 4;
    }
    int kernelOffset = (setupSects + 1) * 512;
    if (kernelOffset >= image.length) {
      throw new BuildException(name + " is truncated: its setup takes all of it");
    }
    long initSize = le32(image, 0x260) & 0xFFFFFFFFL;
    long kernelEnd = KERNEL_GPA + Math.max(initSize, image.length - kernelOffset);
    if (kernelEnd > memoryBytes) {
      throw new BuildException(
          name + " needs " + kernelEnd + " bytes of RAM; the recipe gives " + memoryBytes);
    }
    kernel = new Placement(KERNEL_GPA, Arrays.copyOfRange(image, kernelOffset, image.length));

    byte[] params = new byte[4096];
    int headerEnd = Math.min(0x202 + (image[0x201] & 0xFF), image.length);
    System.arraycopy(image, 0x1F1, params, 0x1F1, headerEnd - 0x1F1);
    params[0x210] = (byte) 0xFF; // type_of_loader: undefined
    params[0x211] |= (byte) 0x80; // CAN_USE_HEAP
    VpContexts.putShort(params, 0x224, 0xFE00); // heap_end_ptr
    VpContexts.putInt(params, 0x228, (int) Layout.CMDLINE_GPA); // cmd_line_ptr
    if (initrdBytes != null) {
      long max = Math.min(memoryBytes, (le32(image, 0x22C) & 0xFFFFFFFFL) + 1);
      long gpa = ((max - initrdBytes.length) / INITRD_ALIGN) * INITRD_ALIGN;
      if (gpa < kernelEnd) {
        throw new BuildException(
            "the initrd (" + initrdBytes.length + " bytes) does not fit in RAM above the kernel");
      }
      VpContexts.putInt(params, 0x218, (int) gpa); // ramdisk_image
      VpContexts.putInt(params, 0x21C, initrdBytes.length); // ramdisk_size
      initrd = new Placement(gpa, initrdBytes);
    } else {
      initrd = null;
    }
    // e820: conventional memory below the EBDA, and RAM from 1 MiB.
    int entries = 0;
    entries = e820(params, entries, 0, 0x9FC00);
    entries = e820(params, entries, 0x10_0000, memoryBytes - 0x10_0000);
    params[0x1E8] = (byte) entries;
    bootParams = new Placement(Layout.BOOT_PARAMS_GPA, params);
    byte[] line = (commandLine + "\0").getBytes(StandardCharsets.US_ASCII);
    cmdline = new Placement(Layout.CMDLINE_GPA, line);
    entry =
        new EntryState(
            true, KERNEL_GPA + 0x200, Layout.STACK_TOP, Layout.BOOT_PARAMS_GPA, Layout.PML4_GPA);
  }

  private static int e820(byte[] params, int index, long gpa, long bytes) {
    int at = 0x2D0 + 20 * index;
    VpContexts.putLong(params, at, gpa);
    VpContexts.putLong(params, at + 8, bytes);
    VpContexts.putInt(params, at + 16, 1); // E820_RAM
    return index + 1;
  }

  private static int le16(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  private static int le32(byte[] b, int at) {
    return le16(b, at) | le16(b, at + 2) << 16;
  }
}
