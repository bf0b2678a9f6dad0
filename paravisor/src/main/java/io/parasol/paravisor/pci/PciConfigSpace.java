package io.parasol.paravisor.pci;

/**
 * A type-0 configuration header with per-byte write masks, for devices to build on: the standard
 * fields (PCI Local Bus 3.0 §6.1 / PCIe Base §7.5.1), BARs that answer size probing, and a
 * capabilities list. Host-side setters ignore the write masks; guest writes through {@link
 * #writeConfig} honour them.
 *
 * <p>Not thread-safe on its own: the owning device's monitor guards it, as for any {@link
 * PciDevice}.
 */
public final class PciConfigSpace implements PciDevice {
  /** Conventional PCI configuration space. */
  public static final int CONVENTIONAL_SIZE = 256;

  /** PCI Express extended configuration space (reachable through ECAM only). */
  public static final int EXTENDED_SIZE = 4096;

  public static final int VENDOR_ID = 0x00;
  public static final int DEVICE_ID = 0x02;
  public static final int COMMAND = 0x04;
  public static final int STATUS = 0x06;
  public static final int REVISION_ID = 0x08;
  public static final int CLASS_CODE = 0x09;
  public static final int CACHE_LINE_SIZE = 0x0C;
  public static final int HEADER_TYPE = 0x0E;
  public static final int BAR0 = 0x10;
  public static final int SUBSYSTEM_VENDOR_ID = 0x2C;
  public static final int SUBSYSTEM_ID = 0x2E;
  public static final int CAPABILITIES_POINTER = 0x34;
  public static final int INTERRUPT_LINE = 0x3C;
  public static final int INTERRUPT_PIN = 0x3D;

  /**
   * Command: I/O Space, Memory Space, Bus Master, Parity Error Response, SERR# Enable, Interrupt
   * Disable.
   */
  public static final int COMMAND_WRITABLE = 0x0547;

  /** Status bits that are RW1C: Master Data Parity Error and bits 11–15 (aborts, SERR, parity). */
  public static final int STATUS_WRITE_ONE_TO_CLEAR = 0xF900;

  /** Status: Capabilities List. */
  public static final int STATUS_CAPABILITIES_LIST = 0x0010;

  /** Header Type bit 7: the device has more than one function. */
  public static final int HEADER_TYPE_MULTI_FUNCTION = 0x80;

  private static final int BAR_COUNT = 6;
  private static final int FIRST_CAPABILITY = 0x40;

  private final byte[] bytes;
  private final byte[] writeMask;
  private final byte[] writeOneToClear;
  private final long[] barSizes = new long[BAR_COUNT];
  private int lastCapability;
  private int nextCapabilityOffset = FIRST_CAPABILITY;

  /**
   * @param vendorId PCI-SIG vendor ID
   * @param deviceId the vendor's device ID
   * @param classCode 24 bits: base class, sub-class, programming interface
   * @param revisionId the revision byte
   * @param sizeBytes {@link #CONVENTIONAL_SIZE} or {@link #EXTENDED_SIZE}
   */
  public PciConfigSpace(int vendorId, int deviceId, int classCode, int revisionId, int sizeBytes) {
    if (sizeBytes != CONVENTIONAL_SIZE && sizeBytes != EXTENDED_SIZE) {
      throw new IllegalArgumentException("config space size " + sizeBytes);
    }
    bytes = new byte[sizeBytes];
    writeMask = new byte[sizeBytes];
    writeOneToClear = new byte[sizeBytes];
    setWord(VENDOR_ID, vendorId);
    setWord(DEVICE_ID, deviceId);
    setByte(REVISION_ID, revisionId);
    setByte(CLASS_CODE, classCode);
    setByte(CLASS_CODE + 1, classCode >> 8);
    setByte(CLASS_CODE + 2, classCode >> 16);
    setWriteMask(COMMAND, 2, COMMAND_WRITABLE);
    setWriteOneToClear(STATUS, 2, STATUS_WRITE_ONE_TO_CLEAR);
    setWriteMask(CACHE_LINE_SIZE, 1, 0xFF);
    setWriteMask(INTERRUPT_LINE, 1, 0xFF);
  }

  /** The configuration space's size in bytes. */
  public int size() {
    return bytes.length;
  }

  /** Sets Header Type bit 7, which makes functions 1–7 of this device visible. */
  public void setMultiFunction(boolean multiFunction) {
    int header = byteAt(HEADER_TYPE) & ~HEADER_TYPE_MULTI_FUNCTION;
    setByte(HEADER_TYPE, header | (multiFunction ? HEADER_TYPE_MULTI_FUNCTION : 0));
  }

  /** Sets Subsystem Vendor ID and Subsystem ID (read-only to the guest). */
  public void setSubsystem(int subsystemVendorId, int subsystemId) {
    setWord(SUBSYSTEM_VENDOR_ID, subsystemVendorId);
    setWord(SUBSYSTEM_ID, subsystemId);
  }

  /** Sets Interrupt Pin: 0 = none, 1–4 = INTA#–INTD#. */
  public void setInterruptPin(int pin) {
    if (pin < 0 || pin > 4) {
      throw new IllegalArgumentException("interrupt pin " + pin);
    }
    setByte(INTERRUPT_PIN, pin);
  }

  /**
   * Declares a memory BAR. Its address bits below {@code sizeBytes} read 0, so writing all-ones and
   * reading back yields the size (PCI 3.0 §6.2.5.1). A 64-bit BAR takes {@code bar} and {@code bar
   * + 1}.
   */
  public void setMemoryBar(int bar, long sizeBytes, boolean is64Bit, boolean prefetchable) {
    checkBar(bar, is64Bit);
    if (sizeBytes < 16 || Long.bitCount(sizeBytes) != 1 || (!is64Bit && sizeBytes > 1L << 31)) {
      throw new IllegalArgumentException("memory BAR size " + sizeBytes);
    }
    int offset = BAR0 + 4 * bar;
    int type = (is64Bit ? 0b100 : 0) | (prefetchable ? 0b1000 : 0);
    setDword(offset, type);
    long mask = ~(sizeBytes - 1);
    setWriteMask(offset, 4, mask & 0xFFFF_FFF0L);
    barSizes[bar] = sizeBytes;
    if (is64Bit) {
      setDword(offset + 4, 0);
      setWriteMask(offset + 4, 4, mask >>> 32);
    }
  }

  /** Declares an I/O BAR of {@code sizeBytes} ports (a power of two, at least 4). */
  public void setIoBar(int bar, int sizeBytes) {
    checkBar(bar, false);
    if (sizeBytes < 4 || sizeBytes > 256 || Integer.bitCount(sizeBytes) != 1) {
      throw new IllegalArgumentException("I/O BAR size " + sizeBytes);
    }
    int offset = BAR0 + 4 * bar;
    setDword(offset, 0x1);
    setWriteMask(offset, 4, ~(sizeBytes - 1) & 0xFFFF_FFFCL);
    barSizes[bar] = sizeBytes;
  }

  private void checkBar(int bar, boolean is64Bit) {
    if (bar < 0 || bar >= BAR_COUNT || (is64Bit && bar == BAR_COUNT - 1)) {
      throw new IllegalArgumentException("BAR " + bar);
    }
  }

  /** The address the guest programmed into {@code bar} (0 if it has none or is unprogrammed). */
  public long barAddress(int bar) {
    if (bar < 0 || bar >= BAR_COUNT || barSizes[bar] == 0) {
      return 0;
    }
    int offset = BAR0 + 4 * bar;
    long low = dwordAt(offset) & 0xFFFF_FFFFL;
    if ((low & 1) != 0) {
      return low & ~0x3L;
    }
    long address = low & ~0xFL;
    if ((low & 0b110) == 0b100) {
      address |= (dwordAt(offset + 4) & 0xFFFF_FFFFL) << 32;
    }
    return address;
  }

  /** Whether Command has Memory Space (bit 1) enabled. */
  public boolean memorySpaceEnabled() {
    return (wordAt(COMMAND) & 0x2) != 0;
  }

  /** Whether Command has I/O Space (bit 0) enabled. */
  public boolean ioSpaceEnabled() {
    return (wordAt(COMMAND) & 0x1) != 0;
  }

  /** Whether Command has Bus Master (bit 2) enabled. */
  public boolean busMasterEnabled() {
    return (wordAt(COMMAND) & 0x4) != 0;
  }

  /**
   * Appends a capability of {@code lengthBytes} (including its ID and next-pointer bytes) to the
   * list, sets Status.Capabilities List and returns its offset; the caller fills the body.
   */
  public int addCapability(int capabilityId, int lengthBytes) {
    int offset = nextCapabilityOffset;
    if (lengthBytes < 2 || offset + lengthBytes > CONVENTIONAL_SIZE) {
      throw new IllegalArgumentException("no room for a capability of " + lengthBytes + " bytes");
    }
    setByte(offset, capabilityId);
    setByte(offset + 1, 0);
    if (lastCapability == 0) {
      setByte(CAPABILITIES_POINTER, offset);
      setWord(STATUS, wordAt(STATUS) | STATUS_CAPABILITIES_LIST);
    } else {
      setByte(lastCapability + 1, offset);
    }
    lastCapability = offset;
    nextCapabilityOffset = (offset + lengthBytes + 3) & ~3;
    return offset;
  }

  /** Makes the bits of {@code mask} in {@code length} bytes at {@code offset} guest-writable. */
  public void setWriteMask(int offset, int length, long mask) {
    for (int i = 0; i < length; i++) {
      writeMask[offset + i] = (byte) (mask >>> (8 * i));
    }
  }

  /** Makes the bits of {@code mask} write-one-to-clear for the guest. */
  public void setWriteOneToClear(int offset, int length, long mask) {
    for (int i = 0; i < length; i++) {
      writeOneToClear[offset + i] = (byte) (mask >>> (8 * i));
    }
  }

  /** Host-side write of one byte, ignoring write masks. */
  public void setByte(int offset, int value) {
    bytes[offset] = (byte) value;
  }

  /** Host-side write of a little-endian word. */
  public void setWord(int offset, int value) {
    setByte(offset, value);
    setByte(offset + 1, value >> 8);
  }

  /** Host-side write of a little-endian dword. */
  public void setDword(int offset, int value) {
    setWord(offset, value);
    setWord(offset + 2, value >> 16);
  }

  /** The byte at {@code offset}. */
  public int byteAt(int offset) {
    return bytes[offset] & 0xFF;
  }

  /** The little-endian word at {@code offset}. */
  public int wordAt(int offset) {
    return byteAt(offset) | byteAt(offset + 1) << 8;
  }

  /** The little-endian dword at {@code offset}. */
  public int dwordAt(int offset) {
    return wordAt(offset) | wordAt(offset + 2) << 16;
  }

  @Override
  public int readConfig(int register) {
    if (register < 0 || register + 4 > bytes.length || (register & 3) != 0) {
      return 0;
    }
    return dwordAt(register);
  }

  @Override
  public void writeConfig(int register, int value, int byteMask) {
    if (register < 0 || register + 4 > bytes.length || (register & 3) != 0) {
      return;
    }
    for (int i = 0; i < 4; i++) {
      if ((byteMask & (1 << i)) == 0) {
        continue;
      }
      int offset = register + i;
      int v = (value >>> (8 * i)) & 0xFF;
      int wm = writeMask[offset] & 0xFF;
      int w1c = writeOneToClear[offset] & 0xFF;
      int old = bytes[offset] & 0xFF;
      int next = (old & ~wm) | (v & wm);
      next &= ~(v & w1c);
      bytes[offset] = (byte) next;
    }
  }
}
