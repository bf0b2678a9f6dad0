package io.parasol.machine.io;

/**
 * The data of one access, as a view over wherever the hypervisor put it (for KVM, the exit's data
 * area in the shared {@code kvm_run} page). Nothing is allocated per access: a backend keeps one
 * view per vCPU and re-points it.
 *
 * <p>Valid only for the duration of the device call it is passed to; a device must not keep it.
 */
public interface IoData {
  /** The width of the access. */
  AccessSize size();

  /** The value written by the guest, zero-extended to 64 bits. */
  long value();

  /** Sets the value a read returns; bits above {@link #size()} are ignored. */
  void setValue(long value);
}
