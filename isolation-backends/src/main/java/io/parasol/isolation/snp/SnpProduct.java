package io.parasol.isolation.snp;

import java.util.Locale;
import java.util.Optional;

/**
 * The AMD EPYC generation an SNP report comes from. It decides the TCB_VERSION layout ({@link
 * TcbVersion}) and the length of the chip ID the VCEK carries.
 */
public enum SnpProduct {
  /** 3rd generation EPYC (family 19h, models 00h-0Fh). */
  MILAN,
  /** 4th generation EPYC (family 19h, models 10h-1Fh and A0h-AFh). */
  GENOA,
  /** 5th generation EPYC (family 1Ah, models 00h-1Fh): the TCB layout has an FMC field. */
  TURIN;

  /** The product AMD's key distribution service names in certificates: Milan, Genoa, Turin. */
  public String kdsName() {
    String n = name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  /** The number of CHIP_ID bytes the VCEK's hwID extension carries (Turin: 8, else 64). */
  public int hwIdBytes() {
    return this == TURIN ? 8 : 64;
  }

  /** The product for a CPUID family and model, as a v3+ report carries them. */
  public static Optional<SnpProduct> fromCpuid(int family, int model) {
    if (family == 0x19 && model <= 0x0F) {
      return Optional.of(MILAN);
    }
    if (family == 0x19 && ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF))) {
      return Optional.of(GENOA);
    }
    if (family == 0x1A && model <= 0x1F) {
      return Optional.of(TURIN);
    }
    return Optional.empty();
  }

  /**
   * The product a certificate name carries: "Milan", "Milan-B0", "SEV-Milan", "SEV-VLEK-Genoa" and
   * so on.
   */
  public static Optional<SnpProduct> fromName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (SnpProduct p : values()) {
      if (n.contains(p.name().toLowerCase(Locale.ROOT))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
