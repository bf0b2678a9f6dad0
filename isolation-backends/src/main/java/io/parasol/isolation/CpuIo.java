package io.parasol.isolation;

import io.parasol.machine.io.IoData;

/**
 * The VM side of a vCPU's exits: the backend decodes an exit and calls one of these on the vCPU's
 * thread. Implementations must not throw for anything the guest does.
 */
public interface CpuIo {
  void readPort(int port, IoData data);

  void writePort(int port, IoData data);

  void readMmio(long gpa, IoData data);

  void writeMmio(long gpa, IoData data);

  /** The local APIC signalled EOI of a level-triggered IOAPIC vector. */
  void endOfInterrupt(int vector);
}
