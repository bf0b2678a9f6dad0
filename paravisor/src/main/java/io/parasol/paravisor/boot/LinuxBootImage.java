package io.parasol.paravisor.boot;

import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.Partition;
import io.parasol.isolation.PartitionConfig;
import io.parasol.isolation.X86DescriptorTable;
import io.parasol.isolation.X86EntryState;
import io.parasol.isolation.X86Registers;
import io.parasol.machine.memory.GuestMemory;
import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.paravisor.pci.PciEcam;
import io.parasol.tpm.eventlog.TcgEventType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A Linux bzImage booted through the 64-bit boot protocol (Linux Documentation/arch/x86/boot.rst,
 * "64-bit Boot Protocol"): the protected-mode kernel is copied to its preferred address, the initrd
 * as high as the kernel allows below 4 GiB, and the boot vCPU enters the kernel at load address +
 * 0x200 in long mode with identity-mapped paging, the boot GDT's {@code __BOOT_CS} and {@code
 * __BOOT_DS}, interrupts off and RSI pointing at the zero page ({@code struct boot_params}). The
 * real-mode setup code never runs, so nothing here depends on a BIOS.
 *
 * <p>Guest memory layout, all below 1 MiB except the kernel and initrd:
 *
 * <table>
 *   <caption>What goes where</caption>
 *   <tr><th>address</th><th>what</th></tr>
 *   <tr><td>0x1000</td><td>GDT (null, null, __BOOT_CS 0x10, __BOOT_DS 0x18)</td></tr>
 *   <tr><td>0x7000</td><td>zero page (4 KiB)</td></tr>
 *   <tr><td>0x8FF0</td><td>initial RSP (the kernel sets its own stack at once)</td></tr>
 *   <tr><td>0x9000</td><td>PML4; 0xA000 PDPT; 0xB000–0xEFFF four PDs of 2 MiB pages mapping
 *       0–4 GiB one to one</td></tr>
 *   <tr><td>0x20000</td><td>command line, NUL-terminated</td></tr>
 *   <tr><td>pref_address (usually 16 MiB)</td><td>protected-mode kernel, {@code init_size}
 *       bytes reserved from there</td></tr>
 *   <tr><td>top of low RAM or initrd_addr_max</td><td>initrd, page-aligned, ending as high as
 *       allowed</td></tr>
 * </table>
 *
 * @param name the kernel's name, for messages
 * @param kernel the whole bzImage file
 * @param header its setup header, parsed and checked
 * @param initrd the initial RAM disk, or null for none
 * @param cmdline the kernel command line (no NUL inside)
 * @param acpiRsdpAddress where the ACPI RSDP is, handed over in {@code acpi_rsdp_addr}; 0 for none
 *     (the kernel then scans the BIOS area for it)
 * @param e820 the memory map to report for a partition shaped by the given config
 */
public record LinuxBootImage(
    String name,
    byte[] kernel,
    SetupHeader header,
    byte[] initrd,
    String cmdline,
    long acpiRsdpAddress,
    Function<PartitionConfig, List<E820Entry>> e820)
    implements BootImage {

  /** GDT address. */
  public static final long GDT_ADDRESS = 0x1000;

  /** Zero page ({@code struct boot_params}) address. */
  public static final long ZERO_PAGE_ADDRESS = 0x7000;

  /** Initial stack pointer. */
  public static final long INITIAL_STACK = 0x8FF0;

  /** PML4 address; the PDPT follows at +4 KiB, then the four PDs. */
  public static final long PML4_ADDRESS = 0x9000;

  /** Command line address. */
  public static final long CMDLINE_ADDRESS = 0x2_0000;

  /** The longest command line the area at {@link #CMDLINE_ADDRESS} holds, without its NUL. */
  public static final int CMDLINE_AREA_MAX = 0xFFFF;

  /** Where the kernel goes if its header prefers no address: 1 MiB. */
  public static final long DEFAULT_KERNEL_ADDRESS = 0x10_0000;

  /** boot.rst's {@code __BOOT_CS}: a 64-bit code descriptor in the boot GDT. */
  public static final int BOOT_CS = 0x10;

  /** boot.rst's {@code __BOOT_DS}: a flat data descriptor in the boot GDT. */
  public static final int BOOT_DS = 0x18;

  /** The entry point's offset from the kernel's load address in the 64-bit protocol. */
  public static final long ENTRY_64_OFFSET = 0x200;

  /** The most E820 entries the zero page holds ({@code E820_MAX_ENTRIES_ZEROPAGE}). */
  public static final int E820_MAX_ENTRIES = 128;

  /** What the loader calls itself in {@code type_of_loader}: 0xFF, "undefined". */
  static final int TYPE_OF_LOADER_UNDEFINED = 0xFF;

  /**
   * {@code heap_end_ptr}: the end of the setup heap as an offset from the real-mode code, minus
   * 0x200 (boot.rst's example value). Only the real-mode setup code uses it, which the 64-bit
   * protocol skips; it is set so a kernel reading the header sees a consistent loader.
   */
  static final int HEAP_END_PTR = 0xE000 - 0x200;

  // Zero-page fields outside the setup header (boot.rst, "Details of the boot_params fields" and
  // arch/x86/include/uapi/asm/bootparam.h).
  static final int ACPI_RSDP_ADDR = 0x070;
  static final int EXT_RAMDISK_IMAGE = 0x0C0;
  static final int EXT_RAMDISK_SIZE = 0x0C4;
  static final int EXT_CMD_LINE_PTR = 0x0C8;
  static final int E820_ENTRIES = 0x1E8;
  static final int E820_TABLE = 0x2D0;
  // Setup-header fields the loader writes.
  static final int VID_MODE = 0x1FA;
  static final int TYPE_OF_LOADER = 0x210;
  static final int CODE32_START = 0x214;
  static final int RAMDISK_IMAGE = 0x218;
  static final int RAMDISK_SIZE = 0x21C;
  static final int HEAP_END_PTR_OFFSET = 0x224;
  static final int CMD_LINE_PTR = 0x228;
  static final int SETUP_DATA = 0x250;

  static final int PAGE = 4096;
  static final long PTE_PRESENT = 1L;
  static final long PTE_WRITABLE = 1L << 1;
  static final long PTE_LARGE = 1L << 7;

  public LinuxBootImage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(cmdline, "cmdline");
    Objects.requireNonNull(e820, "e820");
  }

  /**
   * Reads a bzImage and optional initrd from files and checks the kernel's header.
   *
   * @param initrd the initrd file, or null for none
   */
  public static LinuxBootImage fromFiles(Path kernel, Path initrd, String cmdline)
      throws BootException {
    return fromBytes(
        kernel.getFileName().toString(),
        read(kernel, "kernel"),
        initrd == null ? null : read(initrd, "initrd"),
        cmdline);
  }

  /**
   * A bzImage in memory, its header checked, reporting the default E820 map (ECAM at {@link
   * PciEcam#DEFAULT_BASE}) and no RSDP address.
   */
  public static LinuxBootImage fromBytes(String name, byte[] kernel, byte[] initrd, String cmdline)
      throws BootException {
    SetupHeader header = SetupHeader.parse(name, kernel);
    LinuxBootImage image =
        new LinuxBootImage(
            name,
            kernel,
            header,
            initrd,
            cmdline,
            0,
            config ->
                E820Entry.forPartition(config, PciEcam.DEFAULT_BASE, PciEcam.DEFAULT_SIZE_BYTES));
    image.cmdlineBytes();
    return image;
  }

  private static byte[] read(Path file, String what) throws BootException {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BootException("cannot read the " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  /** The same image, telling the kernel the ACPI RSDP is at {@code address}. */
  public LinuxBootImage withAcpiRsdp(long address) {
    return new LinuxBootImage(name, kernel, header, initrd, cmdline, address, e820);
  }

  /** The same image, reporting the memory map {@code source} gives for the partition. */
  public LinuxBootImage withE820(Function<PartitionConfig, List<E820Entry>> source) {
    return new LinuxBootImage(name, kernel, header, initrd, cmdline, acpiRsdpAddress, source);
  }

  /** The command line as the kernel gets it, without the NUL; checked against the limits. */
  byte[] cmdlineBytes() throws BootException {
    byte[] bytes = cmdline.getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      if (b == 0) {
        throw new BootException("the kernel command line contains a NUL character");
      }
    }
    long max = Math.min(header.cmdlineSize(), CMDLINE_AREA_MAX);
    if (bytes.length > max) {
      throw new BootException(
          String.format(
              "the kernel command line is %d bytes, longer than the %d %s takes",
              bytes.length, max, name));
    }
    return bytes;
  }

  /** Where the protected-mode kernel goes. */
  long kernelAddress() {
    long address = header.prefAddress() != 0 ? header.prefAddress() : DEFAULT_KERNEL_ADDRESS;
    if (header.relocatable()) {
      long align = header.kernelAlignment();
      address = (address + align - 1) & -align;
    }
    return address;
  }

  @Override
  public List<BootMeasurement> measurements() throws BootException {
    // The PCRs and events of a Linux loader as GRUB defines them and the tools that check logs
    // (tpm2_eventlog, keylime, systemd-pcrlock) expect: the files it loads in PCR 9, the kernel
    // command line in PCR 8 as "kernel_cmdline: LINE" with the digest of LINE, so a verifier can
    // check it against the log.
    List<BootMeasurement> out = new ArrayList<>();
    out.add(new BootMeasurement(9, TcgEventType.EV_IPL, cString("kernel"), kernel));
    byte[] line = cmdlineBytes();
    byte[] prefix = "kernel_cmdline: ".getBytes(StandardCharsets.US_ASCII);
    byte[] data = new byte[prefix.length + line.length + 1];
    System.arraycopy(prefix, 0, data, 0, prefix.length);
    System.arraycopy(line, 0, data, prefix.length, line.length);
    out.add(new BootMeasurement(8, TcgEventType.EV_IPL, data, line));
    if (initrd != null) {
      out.add(new BootMeasurement(9, TcgEventType.EV_IPL, cString("initrd"), initrd));
    }
    return List.copyOf(out);
  }

  private static byte[] cString(String s) {
    return (s + "\0").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void load(Partition partition) throws BootException, HypervisorException {
    PartitionConfig config = partition.config();
    List<E820Entry> map = e820.apply(config);
    if (map.size() > E820_MAX_ENTRIES) {
      throw new BootException(
          "the E820 map has " + map.size() + " entries, more than the zero page holds");
    }
    long lowRamEnd = usableEndAbove1MiB(map);
    byte[] cmdlineBytes = cmdlineBytes();

    int kernelOffset = header.kernelOffset();
    int kernelBytes = kernel.length - kernelOffset;
    long kernelAddress = kernelAddress();
    long kernelEnd = kernelAddress + Math.max(header.initSize(), kernelBytes);
    if (kernelEnd > lowRamEnd) {
      throw new BootException(
          String.format(
              "%s needs guest RAM from 0x%x to 0x%x (its init_size), but usable RAM above 1 MiB"
                  + " ends at 0x%x: give the guest more memory",
              name, kernelAddress, kernelEnd, lowRamEnd));
    }

    long initrdAddress = 0;
    if (initrd != null && initrd.length > 0) {
      long limit = Math.min(header.initrdAddrMax() + 1, lowRamEnd);
      initrdAddress = (limit - initrd.length) & -(long) PAGE;
      long kernelTop = (kernelEnd + PAGE - 1) & -(long) PAGE;
      if (limit - initrd.length < kernelTop) {
        throw new BootException(
            String.format(
                "the initrd (%d bytes) does not fit in guest RAM between the kernel's end 0x%x"
                    + " and 0x%x: give the guest more memory",
                initrd.length, kernelTop, limit));
      }
    }

    byte[] zeroPage = zeroPage(map, initrdAddress, kernelAddress);
    GuestMemory memory = partition.memory();
    try {
      memory.write(kernelAddress, kernel, kernelOffset, kernelBytes);
      if (initrdAddress != 0) {
        memory.write(initrdAddress, initrd);
      }
      byte[] cmdlineZ = new byte[cmdlineBytes.length + 1];
      System.arraycopy(cmdlineBytes, 0, cmdlineZ, 0, cmdlineBytes.length);
      memory.write(CMDLINE_ADDRESS, cmdlineZ);
      memory.write(ZERO_PAGE_ADDRESS, zeroPage);
      memory.write(GDT_ADDRESS, gdt());
      memory.write(PML4_ADDRESS, pageTables());
    } catch (GuestMemoryException e) {
      throw new BootException("cannot write " + name + " into guest memory: " + e.getMessage(), e);
    }
    X86Registers registers =
        X86Registers.atEntry(kernelAddress + ENTRY_64_OFFSET)
            .withRsp(INITIAL_STACK)
            .withRsi(ZERO_PAGE_ADDRESS);
    X86EntryState.longMode64(
            registers,
            PML4_ADDRESS,
            BOOT_CS,
            BOOT_DS,
            new X86DescriptorTable(GDT_ADDRESS, GDT_ENTRIES * 8 - 1))
        .applyTo(partition.vp(0));
  }

  /** The end of the usable RAM entry that holds 1 MiB, where the kernel and initrd go. */
  private long usableEndAbove1MiB(List<E820Entry> map) throws BootException {
    for (E820Entry e : map) {
      if (e.type() == E820Entry.RAM
          && e.address() <= E820Entry.EXTENDED_MEMORY_START
          && e.end() > E820Entry.EXTENDED_MEMORY_START) {
        return Math.min(e.end(), PartitionConfig.FOUR_GIB);
      }
    }
    throw new BootException(
        "the guest has no usable RAM at 1 MiB for " + name + ": give the guest more memory");
  }

  /** The zero page: the kernel's own setup header, completed by the loader's fields. */
  byte[] zeroPage(List<E820Entry> map, long initrdAddress, long kernelAddress) {
    byte[] page = new byte[PAGE];
    int from = SetupHeader.SETUP_SECTS;
    System.arraycopy(kernel, from, page, from, header.headerEnd() - from);
    ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(VID_MODE, (short) 0xFFFF); // "normal" video mode
    b.put(TYPE_OF_LOADER, (byte) TYPE_OF_LOADER_UNDEFINED);
    b.put(SetupHeader.LOADFLAGS, (byte) (header.loadFlags() | SetupHeader.CAN_USE_HEAP));
    b.putInt(CODE32_START, (int) kernelAddress);
    b.putShort(HEAP_END_PTR_OFFSET, (short) HEAP_END_PTR);
    b.putInt(CMD_LINE_PTR, (int) CMDLINE_ADDRESS);
    b.putInt(EXT_CMD_LINE_PTR, (int) (CMDLINE_ADDRESS >>> 32));
    if (initrdAddress != 0) {
      b.putInt(RAMDISK_IMAGE, (int) initrdAddress);
      b.putInt(EXT_RAMDISK_IMAGE, (int) (initrdAddress >>> 32));
      b.putInt(RAMDISK_SIZE, initrd.length);
      b.putInt(EXT_RAMDISK_SIZE, 0);
    } else {
      b.putInt(RAMDISK_IMAGE, 0);
      b.putInt(RAMDISK_SIZE, 0);
    }
    b.putLong(SETUP_DATA, 0);
    b.putLong(ACPI_RSDP_ADDR, acpiRsdpAddress);
    b.put(E820_ENTRIES, (byte) map.size());
    for (int i = 0; i < map.size(); i++) {
      E820Entry e = map.get(i);
      int at = E820_TABLE + i * E820Entry.BYTES;
      b.putLong(at, e.address());
      b.putLong(at + 8, e.size());
      b.putInt(at + 16, e.type());
    }
    return page;
  }

  static final int GDT_ENTRIES = 4;

  /** The boot GDT: two null descriptors, then __BOOT_CS (64-bit code) and __BOOT_DS (flat data). */
  static byte[] gdt() {
    ByteBuffer b = ByteBuffer.allocate(GDT_ENTRIES * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(BOOT_CS, 0x00AF_9B00_0000_FFFFL); // P, DPL 0, S, execute/read accessed, G, L
    b.putLong(BOOT_DS, 0x00CF_9300_0000_FFFFL); // P, DPL 0, S, read/write accessed, G, D/B
    return b.array();
  }

  /** PML4, PDPT and four PDs identity-mapping 0–4 GiB with 2 MiB pages, one page each. */
  static byte[] pageTables() {
    ByteBuffer b = ByteBuffer.allocate(6 * PAGE).order(ByteOrder.LITTLE_ENDIAN);
    long pdpt = PML4_ADDRESS + PAGE;
    b.putLong(0, pdpt | PTE_PRESENT | PTE_WRITABLE);
    for (int gib = 0; gib < 4; gib++) {
      long pd = pdpt + (long) (gib + 1) * PAGE;
      b.putLong(PAGE + gib * 8, pd | PTE_PRESENT | PTE_WRITABLE);
      for (int i = 0; i < 512; i++) {
        long address = ((long) gib << 30) + ((long) i << 21);
        b.putLong((2 + gib) * PAGE + i * 8, address | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE);
      }
    }
    return b.array();
  }
}
