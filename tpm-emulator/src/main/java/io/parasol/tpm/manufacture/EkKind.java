package io.parasol.tpm.manufacture;

import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmtPublic;
import java.util.Locale;
import java.util.Optional;

/**
 * The Endorsement Keys of the TCG EK Credential Profile for TPM Family 2.0 (version 2.5, §2.2.1)
 * Parasol manufactures: the low-range templates and the NV indices of their certificates.
 */
public enum EkKind {
  /** Template L-1 (RSA-2048, AES-128-CFB, SHA-256 policy); certificate at 0x01C00002. */
  RSA_2048("rsa2048", 0x01C0_0002),
  /** Template L-2 (ECC NIST P-256, AES-128-CFB, SHA-256 policy); certificate at 0x01C0000A. */
  ECC_P256("ecc-p256", 0x01C0_000A);

  private final String cliName;
  private final int certificateIndex;

  EkKind(String cliName, int certificateIndex) {
    this.cliName = cliName;
    this.certificateIndex = certificateIndex;
  }

  /** The name on the command line: {@code rsa2048} or {@code ecc-p256}. */
  public String cliName() {
    return cliName;
  }

  /** The NV index of the EK certificate (EK Credential Profile §2.2.1.4, low range). */
  public int certificateIndex() {
    return certificateIndex;
  }

  /** The EK template: what {@code TPM2_CreatePrimary} gets, and {@code tpm2_createek} sends. */
  public TpmtPublic template() {
    return switch (this) {
      case RSA_2048 -> PublicTemplates.ekRsa2048();
      case ECC_P256 -> PublicTemplates.ekEccP256();
    };
  }

  /** The kind named {@code name} on the command line (case-insensitive). */
  public static Optional<EkKind> fromCliName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (EkKind k : values()) {
      if (k.cliName.equals(n)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
