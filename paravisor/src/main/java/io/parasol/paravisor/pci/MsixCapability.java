package io.parasol.paravisor.pci;

import io.parasol.isolation.EventNotifier;
import io.parasol.isolation.HypervisorException;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.irq.MsiTarget;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A function's MSI-X capability (PCI Local Bus 3.0 §6.8.2, PCIe Base §7.7.2): the capability
 * structure in configuration space, the vector table and the Pending Bit Array the owner maps into
 * one of its BARs, masking, and delivery to an {@link MsiTarget}.
 *
 * <p>Message Control: bits 10–0 Table Size − 1 (read-only), bit 14 Function Mask, bit 15 MSI-X
 * Enable; the owner tells this object after every configuration write ({@link #controlWritten}). A
 * table entry is Message Address (low, high), Message Data and Vector Control (bit 0 Mask). A
 * vector signalled while it or the function is masked sets its pending bit, and is sent when both
 * masks clear (§6.8.2.9). Table accesses are aligned dwords or qwords; the PBA is read-only.
 *
 * <p>Guest values are checked before use: a message whose address is not in the local APICs'
 * 0xFEExxxxx range is dropped and counted ({@link #droppedMessages}), never passed on.
 *
 * <p><b>irqfds.</b> After {@link #useIrqfds}, each vector's message goes out through an irqfd (an
 * eventfd the hypervisor turns into that MSI) opened for the table entry's address and data the
 * first time the vector is sent, and re-opened when the guest reprograms the entry: signalling it
 * is one eventfd write. Masking stays here (a masked vector sets its pending bit and signals
 * nothing), so the irqfd always carries the entry's current message. If the hypervisor refuses an
 * irqfd, the capability goes back to its {@link MsiTarget}.
 *
 * <p>Thread-safe: vectors are signalled from device threads while vCPUs write the table; this
 * object's own lock guards its state and is held while a message is handed to the target (the
 * target must not call back into the device).
 */
public final class MsixCapability {
  private static final Logger LOG = LoggerFactory.getLogger(MsixCapability.class);

  /** Capability ID of MSI-X. */
  public static final int CAPABILITY_ID = 0x11;

  /** Bytes of the capability structure. */
  public static final int LENGTH = 12;

  /** Bytes per table entry. */
  public static final int ENTRY_BYTES = 16;

  /** The most vectors a function can have (an 11-bit Table Size field). */
  public static final int MAX_VECTORS = 2048;

  /** Message Control: MSI-X Enable. */
  public static final int CONTROL_ENABLE = 0x8000;

  /** Message Control: Function Mask. */
  public static final int CONTROL_FUNCTION_MASK = 0x4000;

  private static final int VECTOR_CONTROL_MASK = 1;

  private final int vectors;
  private final int capabilityOffset;
  private final MsiTarget target;
  private final long[] address;
  private final int[] data;
  private final int[] vectorControl;
  private final long[] pending;
  private boolean enabled;
  private boolean functionMasked;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  /** Opens an irqfd for one MSI message (a partition's {@code irqNotifier}). */
  @FunctionalInterface
  public interface IrqfdSource {
    EventNotifier open(long msiAddress, int msiData) throws HypervisorException;
  }

  private IrqfdSource irqfdSource; // null: messages go to the target
  private final EventNotifier[] irqfds;
  private final long[] irqfdAddress;
  private final int[] irqfdData;
  private final AtomicLong irqfdSignals = new AtomicLong();

  private MsixCapability(int vectors, int capabilityOffset, MsiTarget target) {
    this.vectors = vectors;
    this.capabilityOffset = capabilityOffset;
    this.target = target;
    this.address = new long[vectors];
    this.data = new int[vectors];
    this.vectorControl = new int[vectors];
    this.pending = new long[(vectors + 63) / 64];
    this.irqfds = new EventNotifier[vectors];
    this.irqfdAddress = new long[vectors];
    this.irqfdData = new int[vectors];
    // §6.8.2.9: every vector is masked after reset.
    java.util.Arrays.fill(vectorControl, VECTOR_CONTROL_MASK);
  }

  /**
   * Appends an MSI-X capability with {@code vectors} entries to {@code config}, with the table at
   * {@code tableOffset} and the PBA at {@code pbaOffset} of BAR {@code bar} (both 8-byte aligned).
   */
  public static MsixCapability add(
      PciConfigSpace config,
      int vectors,
      int bar,
      long tableOffset,
      long pbaOffset,
      MsiTarget target) {
    Objects.requireNonNull(target, "target");
    if (vectors < 1 || vectors > MAX_VECTORS) {
      throw new IllegalArgumentException("MSI-X vectors " + vectors);
    }
    if (bar < 0 || bar > 5 || (tableOffset & 7) != 0 || (pbaOffset & 7) != 0) {
      throw new IllegalArgumentException("MSI-X table or PBA placement");
    }
    int at = config.addCapability(CAPABILITY_ID, LENGTH);
    config.setWord(at + 2, vectors - 1);
    config.setWriteMask(at + 2, 2, CONTROL_ENABLE | CONTROL_FUNCTION_MASK);
    config.setDword(at + 4, (int) tableOffset | bar);
    config.setDword(at + 8, (int) pbaOffset | bar);
    return new MsixCapability(vectors, at, target);
  }

  /** Where the capability sits in configuration space. */
  public int capabilityOffset() {
    return capabilityOffset;
  }

  /** The number of table entries. */
  public int vectors() {
    return vectors;
  }

  /** Bytes of the table. */
  public long tableBytes() {
    return (long) vectors * ENTRY_BYTES;
  }

  /** Bytes of the PBA (whole qwords). */
  public long pbaBytes() {
    return pending.length * 8L;
  }

  /**
   * The guest wrote configuration space: picks up Message Control from {@code config} and sends the
   * pending vectors that the write unmasked.
   */
  public void controlWritten(PciConfigSpace config) {
    int control = config.wordAt(capabilityOffset + 2);
    synchronized (this) {
      enabled = (control & CONTROL_ENABLE) != 0;
      functionMasked = (control & CONTROL_FUNCTION_MASK) != 0;
      for (int v = 0; v < vectors; v++) {
        deliverIfPendingAndUnmasked(v);
      }
    }
  }

  /** Sends messages through irqfds from {@code source} from now on (see the class comment). */
  public synchronized void useIrqfds(IrqfdSource source) {
    this.irqfdSource = Objects.requireNonNull(source, "source");
  }

  /** Closes the vectors' irqfds (they are opened again when next needed): on function reset. */
  public synchronized void releaseIrqfds() {
    for (int v = 0; v < vectors; v++) {
      closeIrqfd(v);
    }
  }

  /** Messages sent through an irqfd (a subset of {@link #deliveredMessages}). */
  public long irqfdMessages() {
    return irqfdSignals.get();
  }

  /** Holds the lock. */
  private void closeIrqfd(int vector) {
    EventNotifier n = irqfds[vector];
    if (n != null) {
      irqfds[vector] = null;
      n.close();
    }
  }

  /** Whether MSI-X is enabled (the function must not use INTx then). */
  public synchronized boolean enabled() {
    return enabled;
  }

  /**
   * Signals {@code vector}: sends its message, or marks it pending while it or the function is
   * masked. Does nothing when MSI-X is off or the vector is not in the table.
   *
   * @return whether MSI-X was enabled (false: the caller should use its INTx pin instead)
   */
  public synchronized boolean signal(int vector) {
    if (!enabled) {
      return false;
    }
    if (vector < 0 || vector >= vectors) {
      return true;
    }
    if (functionMasked || (vectorControl[vector] & VECTOR_CONTROL_MASK) != 0) {
      pending[vector >>> 6] |= 1L << (vector & 63);
    } else {
      send(vector);
    }
    return true;
  }

  /** Whether {@code vector}'s pending bit is set. */
  public synchronized boolean isPending(int vector) {
    return vector >= 0 && vector < vectors && (pending[vector >>> 6] & 1L << (vector & 63)) != 0;
  }

  /** Messages sent since the function was made. */
  public long deliveredMessages() {
    return delivered.get();
  }

  /** Messages dropped because the guest programmed an address outside the local APICs' range. */
  public long droppedMessages() {
    return dropped.get();
  }

  /** A guest read of the table at {@code offset} (from the table's start). */
  public synchronized IoStatus readTable(long offset, IoData io) {
    IoStatus status = checkTableAccess(offset, io.size());
    if (status != IoStatus.OK) {
      return status;
    }
    int entry = (int) (offset / ENTRY_BYTES);
    int field = (int) (offset % ENTRY_BYTES);
    long value;
    if (io.size() == AccessSize.QWORD) {
      value =
          field == 0
              ? address[entry]
              : Integer.toUnsignedLong(data[entry])
                  | Integer.toUnsignedLong(vectorControl[entry]) << 32;
    } else {
      value =
          switch (field) {
            case 0 -> address[entry] & 0xFFFF_FFFFL;
            case 4 -> address[entry] >>> 32;
            case 8 -> Integer.toUnsignedLong(data[entry]);
            default -> Integer.toUnsignedLong(vectorControl[entry]);
          };
    }
    io.setValue(value);
    return IoStatus.OK;
  }

  /** A guest write of the table at {@code offset}. */
  public synchronized IoStatus writeTable(long offset, IoData io) {
    IoStatus status = checkTableAccess(offset, io.size());
    if (status != IoStatus.OK) {
      return status;
    }
    int entry = (int) (offset / ENTRY_BYTES);
    int field = (int) (offset % ENTRY_BYTES);
    long v = io.value();
    if (io.size() == AccessSize.QWORD) {
      if (field == 0) {
        address[entry] = v & ~3L; // bits 1:0 of Message Address are reserved, read 0
      } else {
        data[entry] = (int) v;
        vectorControl[entry] = (int) (v >>> 32) & VECTOR_CONTROL_MASK;
      }
    } else {
      switch (field) {
        case 0 -> address[entry] = address[entry] & ~0xFFFF_FFFFL | (v & 0xFFFF_FFFCL);
        case 4 -> address[entry] = address[entry] & 0xFFFF_FFFFL | (v & 0xFFFF_FFFFL) << 32;
        case 8 -> data[entry] = (int) v;
        default -> vectorControl[entry] = (int) v & VECTOR_CONTROL_MASK;
      }
    }
    if (irqfds[entry] != null
        && (irqfdAddress[entry] != address[entry] || irqfdData[entry] != data[entry])) {
      closeIrqfd(entry); // reprogrammed: the next message opens one routed to the new entry
    }
    deliverIfPendingAndUnmasked(entry);
    return IoStatus.OK;
  }

  /** A guest read of the PBA at {@code offset} (from the PBA's start). */
  public synchronized IoStatus readPba(long offset, IoData io) {
    int width = io.size().bytes();
    if (width < 4) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    if (offset < 0 || offset + width > pbaBytes()) {
      return IoStatus.INVALID_REGISTER;
    }
    if (offset % width != 0) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    long qword = pending[(int) (offset / 8)];
    io.setValue(width == 8 ? qword : (qword >>> (8 * (offset % 8))) & 0xFFFF_FFFFL);
    return IoStatus.OK;
  }

  private IoStatus checkTableAccess(long offset, AccessSize size) {
    if (size != AccessSize.DWORD && size != AccessSize.QWORD) {
      return IoStatus.INVALID_ACCESS_SIZE;
    }
    if (offset < 0 || offset + size.bytes() > tableBytes()) {
      return IoStatus.INVALID_REGISTER;
    }
    if (offset % size.bytes() != 0) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    return IoStatus.OK;
  }

  /** Holds the lock. */
  private void deliverIfPendingAndUnmasked(int vector) {
    long bit = 1L << (vector & 63);
    if (enabled
        && !functionMasked
        && (vectorControl[vector] & VECTOR_CONTROL_MASK) == 0
        && (pending[vector >>> 6] & bit) != 0) {
      pending[vector >>> 6] &= ~bit;
      send(vector);
    }
  }

  /** Holds the lock. */
  private void send(int vector) {
    long a = address[vector];
    // Intel SDM Vol. 3 §11.11.1: MSIs to the local APICs are writes to 0xFEExxxxx.
    if (a >>> 20 != 0xFEE) {
      if (dropped.getAndIncrement() == 0) {
        LOG.warn(
            "MSI-X vector {} has address 0x{}, outside the local APICs; its messages are dropped",
            vector,
            Long.toHexString(a));
      }
      return;
    }
    delivered.incrementAndGet();
    EventNotifier irqfd = irqfdSource == null ? null : irqfdFor(vector, a, data[vector]);
    if (irqfd != null) {
      irqfdSignals.incrementAndGet(); // first: the guest may see the interrupt at once
      try {
        irqfd.signal();
        return;
      } catch (HypervisorException e) {
        irqfdSignals.decrementAndGet();
        LOG.warn(
            "MSI-X vector {}: irqfd signal failed, using the MSI path: {}", vector, e.getMessage());
        closeIrqfd(vector);
      }
    }
    target.signalMsi(a, data[vector]);
  }

  /** Holds the lock. The vector's irqfd for message {a, d}, opened if needed, or null. */
  private EventNotifier irqfdFor(int vector, long a, int d) {
    EventNotifier n = irqfds[vector];
    if (n != null && irqfdAddress[vector] == a && irqfdData[vector] == d) {
      return n;
    }
    closeIrqfd(vector);
    try {
      n = irqfdSource.open(a, d);
    } catch (HypervisorException e) {
      LOG.info("MSI-X messages go through the MSI path, not irqfds: {}", e.getMessage());
      irqfdSource = null;
      return null;
    }
    irqfds[vector] = n;
    irqfdAddress[vector] = a;
    irqfdData[vector] = d;
    return n;
  }
}
