package io.parasol.isolation;

/**
 * The hypervisor refused an operation. The message names the operation and, for a system call, the
 * errno by name and number: {@code KVM_CREATE_VM failed: EACCES (13)}.
 */
public class HypervisorException extends Exception {
  private static final long serialVersionUID = 1L;

  public HypervisorException(String message) {
    super(message);
  }

  public HypervisorException(String message, Throwable cause) {
    super(message, cause);
  }
}
