package io.parasol.tpm;

import java.util.Optional;

/**
 * The four hierarchies (TPM 2.0 Library Part 1 §14): each has a primary seed and a proof value;
 * platform, owner (storage) and endorsement are persistent, the null hierarchy's seed changes on
 * every TPM Reset.
 */
public enum Hierarchy {
  PLATFORM(TpmHandle.RH_PLATFORM),
  OWNER(TpmHandle.RH_OWNER),
  ENDORSEMENT(TpmHandle.RH_ENDORSEMENT),
  NULL(TpmHandle.RH_NULL);

  private final int handle;

  Hierarchy(int handle) {
    this.handle = handle;
  }

  /** The hierarchy's permanent handle ({@code TPM_RH_*}). */
  public int handle() {
    return handle;
  }

  /** The hierarchy named by a permanent handle. */
  public static Optional<Hierarchy> of(int handle) {
    for (Hierarchy h : values()) {
      if (h.handle == handle) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }
}
