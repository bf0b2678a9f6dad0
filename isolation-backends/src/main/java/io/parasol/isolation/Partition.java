package io.parasol.isolation;

import io.parasol.machine.irq.MsiTarget;
import io.parasol.machine.memory.SegmentGuestMemory;
import java.util.OptionalLong;

/**
 * An isolated guest: its memory, its vCPUs and the ways to interrupt it. Closing it releases
 * everything; vCPUs must have stopped running first.
 */
public interface Partition extends AutoCloseable {
  IsolationType isolationType();

  PartitionConfig config();

  /** Guest RAM, below and above the MMIO hole. */
  SegmentGuestMemory memory();

  /** vCPU {@code index}, 0 ≤ index < {@code config().vpCount()}. */
  VirtualProcessor vp(int index);

  /** Delivers MSIs to the guest's local APICs (KVM_SIGNAL_MSI on KVM). */
  MsiTarget msiTarget();

  /**
   * Tells the hypervisor which IOAPIC pins are wired to which MSI, so it knows which vectors are
   * level-triggered and reports their EOI ({@link CpuIo#endOfInterrupt}). Called by the IOAPIC
   * model whenever a redirection entry changes.
   */
  void setIoApicRoute(int pin, long msiAddress, int msiData, boolean masked)
      throws HypervisorException;

  /**
   * Registers an ioeventfd: a guest write to the port or address is counted in the returned
   * notifier instead of exiting to userspace.
   *
   * @param mmio true for a guest-physical address, false for a port
   * @param lengthBytes access width to match: 1, 2, 4 or 8 (0 matches any width, MMIO only)
   * @param dataMatch if present, only writes of this value match
   */
  EventNotifier ioEventNotifier(boolean mmio, long address, int lengthBytes, OptionalLong dataMatch)
      throws HypervisorException;

  /** Registers an irqfd: signalling the returned notifier delivers this MSI. */
  EventNotifier irqNotifier(long msiAddress, int msiData) throws HypervisorException;

  @Override
  void close();
}
