package io.parasol.isolation.kvm.sys;

import io.parasol.isolation.HypervisorException;

/** A system call failed; the message names the operation and the errno. */
public final class ErrnoException extends HypervisorException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int errno;

  public ErrnoException(String operation, int errno) {
    super(operation + " failed: " + Errno.describe(errno));
    this.operation = operation;
    this.errno = errno;
  }

  /** The failed operation, e.g. {@code KVM_CREATE_VM}. */
  public String operation() {
    return operation;
  }

  /** The errno the call set. */
  public int errno() {
    return errno;
  }
}
