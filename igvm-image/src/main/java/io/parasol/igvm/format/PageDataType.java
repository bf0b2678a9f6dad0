package io.parasol.igvm.format;

import java.util.Optional;

/** PAGE_DATA data_type: what kind of page the platform imports. */
public enum PageDataType {
  NORMAL(0),
  /** The SNP secrets page (the PSP fills it). */
  SECRETS(1),
  /** The SNP CPUID page (the PSP checks it). */
  CPUID_DATA(2),
  /** The SNP CPUID page including the XFEM-dependent leaves. */
  CPUID_XF(3);

  private final int value;

  PageDataType(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static Optional<PageDataType> fromValue(int value) {
    for (PageDataType t : values()) {
      if (t.value == value) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
