package io.parasol.paravisor.boot;

import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.Partition;
import io.parasol.isolation.X86EntryState;
import io.parasol.machine.memory.GuestMemoryException;
import io.parasol.tpm.eventlog.TcgEventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A flat binary loaded at a fixed guest-physical address and entered there in 32-bit protected mode
 * without paging: CS a flat code segment (selector 0x08), the data segments flat (0x10), ESP just
 * below 640 KiB, interrupts off. The guest loads its own GDT and IDT before it relies on them. This
 * is how Parasol's purpose-built test guests start.
 *
 * @param name for messages, e.g. the file name
 * @param bytes the image
 * @param loadAddress where the first byte goes, also the entry point
 * @param parameter a 32-bit value handed to a guest whose image starts with the test-guest header
 *     (a jump, the magic {@code "PGST"} at +4, the parameter at +8): an iteration count, say
 */
public record FlatBinaryImage(String name, byte[] bytes, long loadAddress, int parameter)
    implements BootImage {
  /** The conventional load address and entry point: 1 MiB. */
  public static final long DEFAULT_LOAD_ADDRESS = 0x10_0000;

  /** The initial stack pointer: the top of conventional memory below the EBDA. */
  public static final long INITIAL_STACK = 0x9_F000;

  /** Reads {@code file} as a flat binary for the default load address. */
  public static FlatBinaryImage fromFile(Path file) throws BootException {
    try {
      return new FlatBinaryImage(
          file.getFileName().toString(), Files.readAllBytes(file), DEFAULT_LOAD_ADDRESS, 0);
    } catch (IOException e) {
      throw new BootException("cannot read the guest image " + file + ": " + e.getMessage(), e);
    }
  }

  /** Offset of the parameter word in the test-guest header. */
  static final int PARAMETER_OFFSET = 8;

  private static final int MAGIC_OFFSET = 4;
  private static final byte[] MAGIC = {'P', 'G', 'S', 'T'};

  /** The same image, handing {@code value} to the guest through its header's parameter word. */
  public FlatBinaryImage withParameter(int value) {
    return new FlatBinaryImage(name, bytes, loadAddress, value);
  }

  /** Whether the image starts with the test-guest header. */
  public boolean hasGuestHeader() {
    return bytes.length >= PARAMETER_OFFSET + 4
        && java.util.Arrays.equals(bytes, MAGIC_OFFSET, MAGIC_OFFSET + 4, MAGIC, 0, 4);
  }

  @Override
  public List<BootMeasurement> measurements() {
    return List.of(
        new BootMeasurement(
            9, TcgEventType.EV_IPL, "flat binary\0".getBytes(StandardCharsets.US_ASCII), bytes));
  }

  @Override
  public void load(Partition partition) throws BootException, HypervisorException {
    if (bytes.length == 0) {
      throw new BootException("the guest image " + name + " is empty");
    }
    try {
      partition.memory().write(loadAddress, bytes);
      if (parameter != 0) {
        if (!hasGuestHeader()) {
          throw new BootException("the guest image " + name + " has no header to take a parameter");
        }
        partition.memory().writeInt(loadAddress + PARAMETER_OFFSET, parameter);
      }
    } catch (GuestMemoryException e) {
      throw new BootException(
          String.format(
              "the guest image %s (%d bytes) does not fit in guest RAM at 0x%x",
              name, bytes.length, loadAddress),
          e);
    }
    X86EntryState.protectedMode32(loadAddress, INITIAL_STACK).applyTo(partition.vp(0));
  }
}
