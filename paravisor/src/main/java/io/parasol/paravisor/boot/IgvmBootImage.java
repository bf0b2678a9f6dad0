package io.parasol.paravisor.boot;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.Parameter;
import io.parasol.igvm.format.DirectiveHeader.ParameterArea;
import io.parasol.igvm.format.DirectiveHeader.ParameterInsert;
import io.parasol.igvm.format.DirectiveHeader.RequiredMemory;
import io.parasol.igvm.format.DirectiveHeader.VpContext;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.IgvmFormatException;
import io.parasol.igvm.format.IgvmParser;
import io.parasol.igvm.format.IgvmWriter;
import io.parasol.igvm.format.PlatformHeader.SupportedPlatform;
import io.parasol.igvm.format.PlatformType;
import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.Partition;
import io.parasol.isolation.PartitionConfig;
import io.parasol.isolation.X86DescriptorTable;
import io.parasol.isolation.X86EntryState;
import io.parasol.isolation.X86Registers;
import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.tpm.eventlog.TcgEventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IGVM file booted on its NATIVE platform (KVM, no isolation): its directives are applied in
 * file order — pages copied into guest RAM, parameter areas filled with the VP count, the memory
 * map (RAM below the MMIO hole and above 4 GiB), the MMIO ranges and the command line, then
 * inserted; REQUIRED_MEMORY checked against the VM's RAM — and vCPU 0 starts in the state of its
 * native VP context (IgvmNativeVpContextX64).
 *
 * <p>SRAT, MADT, SLIT, PPTT and device-tree parameters are left as zeros (the guest gets its ACPI
 * tables from the VM); a guest must treat parameter contents as untrusted anyway.
 */
public record IgvmBootImage(String name, IgvmFile file, String commandLine) implements BootImage {
  private static final Logger LOG = LoggerFactory.getLogger(IgvmBootImage.class);
  private static final int PAGE = 4096;
  private static final int MEMORY_MAP_ENTRY_BYTES = 24;
  private static final long EFER_LMA = 1L << 10;
  private static final long CR0_PE = 1;

  /** Reads and checks {@code file}; {@code commandLine} goes into its COMMAND_LINE parameters. */
  /**
   * The IGVM file as written (PCR 9, EV_IPL "igvm") and the command line its parameter areas get
   * (PCR 8, "kernel_cmdline: LINE"), as for a Linux payload.
   */
  @Override
  public List<BootMeasurement> measurements() {
    List<BootMeasurement> out = new ArrayList<>();
    out.add(
        new BootMeasurement(
            9,
            TcgEventType.EV_IPL,
            "igvm\0".getBytes(StandardCharsets.US_ASCII),
            IgvmWriter.write(file)));
    if (commandLine != null && !commandLine.isEmpty()) {
      byte[] line = commandLine.getBytes(StandardCharsets.UTF_8);
      byte[] data = ("kernel_cmdline: " + commandLine + "\0").getBytes(StandardCharsets.UTF_8);
      out.add(new BootMeasurement(8, TcgEventType.EV_IPL, data, line));
    }
    return List.copyOf(out);
  }

  public static IgvmBootImage fromFile(Path file, String commandLine) throws BootException {
    try {
      return new IgvmBootImage(file.getFileName().toString(), IgvmParser.parse(file), commandLine);
    } catch (IOException e) {
      throw new BootException("cannot read the IGVM file " + file + ": " + e.getMessage(), e);
    } catch (IgvmFormatException e) {
      throw new BootException(file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void load(Partition partition) throws BootException, HypervisorException {
    SupportedPlatform platform =
        file.platform(PlatformType.NATIVE)
            .orElseThrow(
                () ->
                    new BootException(
                        name + " has no NATIVE platform, which is what the KVM backend runs"));
    int bit = platform.compatibilityMask();
    PartitionConfig config = partition.config();
    Map<Integer, byte[]> areas = new HashMap<>();
    X86EntryState entry = null;
    try {
      for (DirectiveHeader d : file.directivesFor(bit)) {
        switch (d) {
          case PageData p -> {
            if (!p.data().isEmpty()) {
              partition.memory().write(p.gpa(), p.data().toByteArray());
            } else {
              partition.memory().write(p.gpa(), new byte[PAGE]);
            }
          }
          case ParameterArea a -> {
            byte[] area = new byte[(int) a.numberOfBytes()];
            a.initialData().copyTo(area, 0);
            areas.put(a.parameterAreaIndex(), area);
          }
          case Parameter p -> fill(areas.get(p.parameterAreaIndex()), p, config);
          case ParameterInsert p ->
              partition.memory().write(p.gpa(), areas.remove(p.parameterAreaIndex()));
          case RequiredMemory r -> {
            long end = r.gpa() + Integer.toUnsignedLong(r.numberOfBytes());
            if (end > config.lowMemoryBytes()
                && (r.gpa() < PartitionConfig.FOUR_GIB
                    || end > PartitionConfig.FOUR_GIB + config.highMemoryBytes())) {
              throw new BootException(
                  String.format(
                      "%s requires memory at 0x%x..0x%x, which this VM's %d MiB of RAM does not cover",
                      name, r.gpa(), end, config.memorySizeBytes() >> 20));
            }
          }
          case VpContext c -> {
            if (c.vpIndex() == 0) {
              entry = entryState(c.data());
            } else {
              LOG.warn(
                  "{}: the VP context of VP {} is ignored (secondary VPs start through the APIC)",
                  name,
                  c.vpIndex());
            }
          }
          default ->
              LOG.debug("{}: {} does not apply to a KVM guest", name, d.getClass().getSimpleName());
        }
      }
    } catch (GuestMemoryException e) {
      throw new BootException(
          name + ": a directive places data outside guest RAM: " + e.getMessage(), e);
    }
    if (entry == null) {
      throw new BootException(name + " has no VP context for VP 0 on its NATIVE platform");
    }
    entry.applyTo(partition.vp(0));
  }

  private void fill(byte[] area, Parameter p, PartitionConfig config) throws BootException {
    byte[] value =
        switch (p.kind()) {
          case VP_COUNT -> le32(config.vpCount());
          case COMMAND_LINE -> (commandLine + "\0").getBytes(StandardCharsets.US_ASCII);
          case MEMORY_MAP -> memoryMap(config);
          case MMIO_RANGES -> {
            byte[] ranges = new byte[32];
            putLong(ranges, 0, config.mmioHoleStart() / PAGE);
            putLong(ranges, 8, (PartitionConfig.FOUR_GIB - config.mmioHoleStart()) / PAGE);
            yield ranges;
          }
          case ENVIRONMENT_INFO -> le32(0); // memory is private by default
          default -> {
            LOG.info("{}: parameter {} is left as zeros", name, p.kind());
            yield new byte[0];
          }
        };
    long end = Integer.toUnsignedLong(p.byteOffset()) + value.length;
    if (end > area.length) {
      throw new BootException(
          String.format(
              "%s: the %s (%d bytes) does not fit in parameter area %d at offset 0x%x",
              name, p.kind(), value.length, p.parameterAreaIndex(), p.byteOffset()));
    }
    System.arraycopy(value, 0, area, p.byteOffset(), value.length);
  }

  /** IGVM_VHS_MEMORY_MAP_ENTRY records of the VM's RAM, ended by an entry with no pages. */
  private static byte[] memoryMap(PartitionConfig config) {
    byte[] map = new byte[3 * MEMORY_MAP_ENTRY_BYTES];
    putLong(map, 0, 0);
    putLong(map, 8, config.lowMemoryBytes() / PAGE);
    if (config.highMemoryBytes() > 0) {
      putLong(map, 24, PartitionConfig.FOUR_GIB / PAGE);
      putLong(map, 32, config.highMemoryBytes() / PAGE);
      return map;
    }
    return java.util.Arrays.copyOf(map, 2 * MEMORY_MAP_ENTRY_BYTES);
  }

  /** The state of an IgvmNativeVpContextX64 (format reference §7.5). */
  private X86EntryState entryState(Blob context) throws BootException {
    byte[] c = context.toByteArray();
    long rip = getLong(c, 128);
    long rsp = getLong(c, 32);
    long rsi = getLong(c, 48);
    long cr0 = getLong(c, 200);
    long cr3 = getLong(c, 208);
    long efer = getLong(c, 224);
    int codeSelector = (c[168] & 0xFF) | (c[169] & 0xFF) << 8;
    int dataSelector = (c[180] & 0xFF) | (c[181] & 0xFF) << 8;
    int gdtrLimit = (c[158] & 0xFF) | (c[159] & 0xFF) << 8;
    long gdtrBase = getLong(c, 160);
    X86DescriptorTable gdt =
        gdtrBase == 0 && gdtrLimit == 0 ? null : new X86DescriptorTable(gdtrBase, gdtrLimit);
    X86Registers registers = X86Registers.atEntry(rip).withRsp(rsp).withRsi(rsi);
    if ((efer & EFER_LMA) != 0) {
      return new X86EntryState(
          registers, X86EntryState.Mode.LONG_64, cr3, codeSelector, dataSelector, gdt);
    }
    if ((cr0 & CR0_PE) != 0) {
      return new X86EntryState(
          registers, X86EntryState.Mode.PROTECTED_32, 0, codeSelector, dataSelector, gdt);
    }
    throw new BootException(name + ": a real-mode VP context is not supported (CR0.PE is clear)");
  }

  private static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static long getLong(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (b[at + i] & 0xFF);
    }
    return v;
  }
}
