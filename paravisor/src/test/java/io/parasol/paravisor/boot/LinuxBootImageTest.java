package io.parasol.paravisor.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.isolation.HeapPartition;
import io.parasol.isolation.PartitionConfig;
import io.parasol.isolation.X86DescriptorTable;
import io.parasol.isolation.X86Registers;
import io.parasol.isolation.X86Segment;
import io.parasol.isolation.X86SpecialRegisters;
import io.parasol.machine.memory.GuestMemory;
import io.parasol.paravisor.pci.PciEcam;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinuxBootImageTest {
  static final int SETUP_SECTS = 4;
  static final int KERNEL_BYTES = 0x2000;
  static final long PREF = 0x100_0000;
  static final long INIT_SIZE = 0x40_0000;
  static final long MIB = 1L << 20;

  /** A minimal bzImage: boot sector, 4 setup sectors, a patterned protected-mode kernel. */
  static ByteBuffer image() {
    int setupBytes = (SETUP_SECTS + 1) * 512;
    ByteBuffer b = ByteBuffer.allocate(setupBytes + KERNEL_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0x1F1, (byte) SETUP_SECTS);
    b.putInt(0x1F4, KERNEL_BYTES / 16); // syssize
    b.putShort(0x1FE, (short) 0xAA55);
    b.put(0x200, (byte) 0xEB); // jmp short
    b.put(0x201, (byte) (0x26C - 0x202)); // header ends after kernel_info_offset
    b.putInt(0x202, 0x5372_6448); // "HdrS"
    b.putShort(0x206, (short) 0x020F);
    b.put(0x211, (byte) 0x01); // LOADED_HIGH
    b.putInt(0x214, 0x10_0000); // code32_start
    b.putInt(0x22C, 0x7FFF_FFFF); // initrd_addr_max
    b.putInt(0x230, 0x20_0000); // kernel_alignment
    b.put(0x234, (byte) 1); // relocatable_kernel
    b.put(0x235, (byte) 21); // min_alignment
    b.putShort(0x236, (short) 0x03); // XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
    b.putInt(0x238, 2047); // cmdline_size
    b.putLong(0x258, PREF);
    b.putInt(0x260, (int) INIT_SIZE);
    for (int i = 0; i < KERNEL_BYTES; i++) {
      b.put(setupBytes + i, (byte) (i * 7 + 1));
    }
    return b;
  }

  static LinuxBootImage parse(ByteBuffer b, byte[] initrd, String cmdline) throws BootException {
    return LinuxBootImage.fromBytes("test-bzImage", b.array(), initrd, cmdline);
  }

  static String failure(ByteBuffer b) {
    return assertThrows(BootException.class, () -> parse(b, null, "")).getMessage();
  }

  /** A heap partition whose vCPU 0 holds a reset-like state, as a KVM vCPU would. */
  static HeapPartition partition(long bytes) {
    return withResetState(HeapPartition.ofSize(bytes));
  }

  /** {@code p} with vCPU 0 in the state a reset leaves it, which the loader starts from. */
  static HeapPartition withResetState(HeapPartition p) {
    X86Segment real = X86Segment.realMode(0, 0x3);
    X86DescriptorTable table = new X86DescriptorTable(0, 0xFFFF);
    p.vp(0)
        .setSpecialRegisters(
            new X86SpecialRegisters(
                X86Segment.realMode(0xF000, 0xB),
                real,
                real,
                real,
                real,
                real,
                real,
                real,
                table,
                table,
                0x6000_0010L,
                0,
                0,
                0,
                0,
                0,
                0xFEE0_0900L));
    return p;
  }

  @Test
  void refusesAFileWithoutBootSignature() {
    ByteBuffer b = image();
    b.putShort(0x1FE, (short) 0);
    assertTrue(failure(b).contains("no boot sector signature 0xAA55"), failure(b));
  }

  @Test
  void refusesAFileTooShortForABootSector() {
    String message =
        assertThrows(
                BootException.class, () -> LinuxBootImage.fromBytes("x", new byte[100], null, ""))
            .getMessage();
    assertTrue(message.contains("too short for a boot sector"), message);
  }

  @Test
  void refusesAFileWithoutHdrS() {
    ByteBuffer b = image();
    b.putInt(0x202, 0x1234_5678);
    assertTrue(failure(b).contains("no \"HdrS\""), failure(b));
  }

  @Test
  void refusesAnOldProtocol() {
    ByteBuffer b = image();
    b.putShort(0x206, (short) 0x020A);
    String message = failure(b);
    assertTrue(message.contains("protocol 2.10, older than 2.12"), message);
    assertTrue(message.contains("64-bit boot protocol"), message);
  }

  @Test
  void refusesAKernelWithout64BitEntry() {
    ByteBuffer b = image();
    b.putShort(0x236, (short) 0x02);
    assertTrue(failure(b).contains("XLF_KERNEL_64"), failure(b));
  }

  @Test
  void refusesAZImage() {
    ByteBuffer b = image();
    b.put(0x211, (byte) 0);
    assertTrue(failure(b).contains("LOADED_HIGH"), failure(b));
  }

  @Test
  void refusesATruncatedKernel() {
    ByteBuffer b = image();
    b.putInt(0x1F4, KERNEL_BYTES / 16 + 1);
    assertTrue(failure(b).contains("truncated"), failure(b));
  }

  @Test
  void refusesAFileThatEndsInsideItsSetupSectors() {
    byte[] whole = image().array();
    ByteBuffer b = ByteBuffer.wrap(java.util.Arrays.copyOf(whole, 0x400));
    assertTrue(failure(b).contains("truncated"), failure(b));
  }

  @Test
  void refusesAnAlignmentThatIsNotAPowerOfTwo() {
    ByteBuffer b = image();
    b.putInt(0x230, 0x30_0000);
    assertTrue(failure(b).contains("not a power of two"), failure(b));
  }

  @Test
  void readsZeroSetupSectsAsFour() throws BootException {
    ByteBuffer b = image();
    b.put(0x1F1, (byte) 0);
    assertEquals(0xA00, parse(b, null, "").header().kernelOffset());
  }

  @Test
  void refusesATooLongCommandLine() {
    String message =
        assertThrows(BootException.class, () -> parse(image(), null, "x".repeat(2048)))
            .getMessage();
    assertTrue(message.contains("2048 bytes, longer than the 2047"), message);
  }

  @Test
  void takesACommandLineOfExactlyCmdlineSize() throws BootException {
    parse(image(), null, "x".repeat(2047));
  }

  @Test
  void refusesAKernelThatDoesNotFitInRam() throws BootException {
    LinuxBootImage image = parse(image(), null, "");
    HeapPartition p = partition(18 * MIB);
    String message = assertThrows(BootException.class, () -> image.load(p)).getMessage();
    assertTrue(message.contains("give the guest more memory"), message);
  }

  @Test
  void refusesAnInitrdThatDoesNotFit() throws BootException {
    // Kernel occupies 16–20 MiB; 32 MiB of RAM leaves 12 MiB.
    LinuxBootImage image = parse(image(), new byte[(int) (13 * MIB)], "");
    HeapPartition p = partition(32 * MIB);
    String message = assertThrows(BootException.class, () -> image.load(p)).getMessage();
    assertTrue(message.contains("the initrd (13631488 bytes) does not fit"), message);
  }

  @Test
  void fillsTheZeroPageAndEntersIn64BitMode() throws Exception {
    byte[] initrd = new byte[10_000];
    for (int i = 0; i < initrd.length; i++) {
      initrd[i] = (byte) (i ^ 0x5A);
    }
    ByteBuffer file = image();
    LinuxBootImage image =
        parse(file, initrd, "console=ttyS0 root=/dev/vda").withAcpiRsdp(0xE_0000L);
    HeapPartition p = partition(64 * MIB);
    image.load(p);
    GuestMemory m = p.memory();

    // Kernel after the setup sectors at pref_address.
    assertArrayEquals(
        java.util.Arrays.copyOfRange(file.array(), 0xA00, 0xA00 + KERNEL_BYTES),
        m.readBytes(PREF, KERNEL_BYTES));

    long zp = LinuxBootImage.ZERO_PAGE_ADDRESS;
    // The setup header copied from 0x1F1 to its end.
    assertArrayEquals(
        java.util.Arrays.copyOfRange(file.array(), 0x1F1, 0x1FA), m.readBytes(zp + 0x1F1, 9));
    assertEquals((short) 0xFFFF, m.readShort(zp + 0x1FA)); // vid_mode "normal"
    assertArrayEquals(
        java.util.Arrays.copyOfRange(file.array(), 0x1FC, 0x210),
        m.readBytes(zp + 0x1FC, 0x210 - 0x1FC));
    assertArrayEquals(
        java.util.Arrays.copyOfRange(file.array(), 0x22C, 0x26C),
        m.readBytes(zp + 0x22C, 0x26C - 0x22C));
    assertEquals(0x5372_6448, m.readInt(zp + 0x202));
    assertEquals(0x020F, m.readShort(zp + 0x206));
    assertEquals((byte) 0xFF, m.readByte(zp + 0x210)); // type_of_loader
    assertEquals((byte) 0x81, m.readByte(zp + 0x211)); // LOADED_HIGH | CAN_USE_HEAP
    assertEquals(0xDE00, m.readShort(zp + 0x224) & 0xFFFF); // heap_end_ptr
    assertEquals(2047, m.readInt(zp + 0x238)); // cmdline_size copied
    assertEquals(PREF, m.readLong(zp + 0x258)); // pref_address copied

    // Command line.
    assertEquals(0x2_0000, m.readInt(zp + 0x228));
    assertEquals(0, m.readInt(zp + 0x0C8));
    byte[] cmdline = "console=ttyS0 root=/dev/vda".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(cmdline, m.readBytes(0x2_0000, cmdline.length));
    assertEquals(0, m.readByte(0x2_0000 + cmdline.length));

    // Initrd: page-aligned, as high as possible below the 64 MiB RAM end.
    long initrdAt = m.readInt(zp + 0x218) & 0xFFFF_FFFFL;
    assertEquals((64 * MIB - initrd.length) & -4096L, initrdAt);
    assertEquals(initrd.length, m.readInt(zp + 0x21C));
    assertEquals(0, m.readInt(zp + 0x0C0));
    assertEquals(0, m.readInt(zp + 0x0C4));
    assertArrayEquals(initrd, m.readBytes(initrdAt, initrd.length));

    assertEquals(0xE_0000L, m.readLong(zp + 0x070)); // acpi_rsdp_addr

    // E820: 0–0x9FC00 RAM, 0x9FC00–1 MiB reserved, 1 MiB–64 MiB RAM, ECAM reserved.
    assertEquals(4, m.readByte(zp + 0x1E8));
    long[][] expected = {
      {0, 0x9_FC00, 1},
      {0x9_FC00, 0x6_0400, 2},
      {0x10_0000, 63 * MIB, 1},
      {PciEcam.DEFAULT_BASE, PciEcam.DEFAULT_SIZE_BYTES, 2}
    };
    for (int i = 0; i < expected.length; i++) {
      long at = zp + 0x2D0 + 20L * i;
      assertEquals(expected[i][0], m.readLong(at), "e820[" + i + "].addr");
      assertEquals(expected[i][1], m.readLong(at + 8), "e820[" + i + "].size");
      assertEquals(expected[i][2], m.readInt(at + 16), "e820[" + i + "].type");
    }

    // GDT with __BOOT_CS and __BOOT_DS.
    assertEquals(0x00AF_9B00_0000_FFFFL, m.readLong(LinuxBootImage.GDT_ADDRESS + 0x10));
    assertEquals(0x00CF_9300_0000_FFFFL, m.readLong(LinuxBootImage.GDT_ADDRESS + 0x18));

    // Identity map: PML4 → PDPT → PDs of 2 MiB pages up to 4 GiB.
    assertEquals(0xA003L, m.readLong(0x9000));
    assertEquals(0xB003L, m.readLong(0xA000));
    assertEquals(0xE003L, m.readLong(0xA018));
    assertEquals(0x83L, m.readLong(0xB000));
    assertEquals(0x20_0083L, m.readLong(0xB008));
    assertEquals(0xFFE0_0083L, m.readLong(0xEFF8));

    // vCPU: RIP = load + 0x200, RSI = zero page, interrupts off, long mode on.
    X86Registers regs = p.vp(0).getRegisters();
    assertEquals(PREF + 0x200, regs.rip());
    assertEquals(zp, regs.rsi());
    assertEquals(0, regs.rflags() & 0x200);
    X86SpecialRegisters sregs = p.vp(0).getSpecialRegisters();
    assertEquals(0x10, sregs.cs().selector());
    assertTrue(sregs.cs().l());
    assertEquals(0x18, sregs.ds().selector());
    assertEquals(0x18, sregs.ss().selector());
    assertEquals(new X86DescriptorTable(LinuxBootImage.GDT_ADDRESS, 31), sregs.gdt());
    assertEquals(0x9000, sregs.cr3());
    assertEquals(0x500, sregs.efer()); // LME | LMA
    assertEquals(0x8000_0000L, sregs.cr0() & 0x8000_0000L);
    assertEquals(0xFEE0_0900L, sregs.apicBase()); // kept
  }

  @Test
  void keepsTheInitrdBelowInitrdAddrMax() throws Exception {
    ByteBuffer b = image();
    b.putInt(0x22C, (int) (40 * MIB - 1));
    LinuxBootImage image = parse(b, new byte[8192], "");
    HeapPartition p = partition(64 * MIB);
    image.load(p);
    assertEquals(40 * MIB - 8192, p.memory().readInt(LinuxBootImage.ZERO_PAGE_ADDRESS + 0x218));
  }

  @Test
  void leavesRamdiskFieldsZeroWithoutInitrd() throws Exception {
    HeapPartition p = partition(64 * MIB);
    parse(image(), null, "").load(p);
    assertEquals(0, p.memory().readInt(LinuxBootImage.ZERO_PAGE_ADDRESS + 0x218));
    assertEquals(0, p.memory().readInt(LinuxBootImage.ZERO_PAGE_ADDRESS + 0x21C));
    assertEquals(0, p.memory().readLong(LinuxBootImage.ZERO_PAGE_ADDRESS + 0x070));
  }

  @Test
  void e820ReservesEcamAndCutsLowRamThatItShadows() {
    List<E820Entry> map =
        E820Entry.forPartition(
            new PartitionConfig(8L << 30, 1, 0xC000_0000L), PciEcam.DEFAULT_BASE, 256 * MIB);
    assertEquals(
        List.of(
            new E820Entry(0, 0x9_FC00, E820Entry.RAM),
            new E820Entry(0x9_FC00, 0x6_0400, E820Entry.RESERVED),
            new E820Entry(0x10_0000, 0xB000_0000L - 0x10_0000, E820Entry.RAM),
            new E820Entry(0xB000_0000L, 0x1000_0000L, E820Entry.RESERVED),
            new E820Entry(1L << 32, (8L << 30) - 0xC000_0000L, E820Entry.RAM)),
        map);
  }

  @Test
  void e820WithTheDefaultHoleLosesNoRamToEcam() {
    List<E820Entry> map =
        E820Entry.forPartition(new PartitionConfig(8L << 30, 1), PciEcam.DEFAULT_BASE, 256 * MIB);
    long ram = map.stream().filter(e -> e.type() == E820Entry.RAM).mapToLong(E820Entry::size).sum();
    assertEquals((8L << 30) - 0x6_0400, ram, "all RAM but the BIOS area below 1 MiB is usable");
    assertEquals(new E820Entry(1L << 32, (8L << 30) - 0xB000_0000L, E820Entry.RAM), map.getLast());
  }
}
