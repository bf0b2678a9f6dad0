package io.parasol.isolation;

/** How the guest is isolated from the host. */
public enum IsolationType {
  /** No hardware isolation: an ordinary KVM guest; the host can see all memory. */
  NONE,
  /** AMD SEV-SNP. */
  SNP,
  /** Intel TDX. */
  TDX;

  /** Whether the host is untrusted and guest memory is private. */
  public boolean isConfidential() {
    return this != NONE;
  }
}
