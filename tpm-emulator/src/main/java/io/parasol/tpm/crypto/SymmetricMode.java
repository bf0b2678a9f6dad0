package io.parasol.tpm.crypto;

import java.util.Optional;

/**
 * The block cipher modes of TPM 2.0 Part 2, 6.3 ({@code TPM_ALG_CTR} ... {@code TPM_ALG_ECB}), as
 * {@code TPM2_EncryptDecrypt} (Part 3, 15.2) and the symmetric object protections use them.
 */
public enum SymmetricMode {
  /** Counter mode: the whole 128-bit block is a big-endian counter; any data length. */
  CTR(0x0040, false),
  /** Output feedback; any data length. */
  OFB(0x0041, false),
  /** Cipher block chaining; data must be a whole number of blocks (no padding). */
  CBC(0x0042, true),
  /** Full-block (128-bit) cipher feedback; any data length. */
  CFB(0x0043, false),
  /** Electronic codebook; data must be a whole number of blocks, no IV. */
  ECB(0x0044, true);

  private final int algId;
  private final boolean wholeBlocks;

  SymmetricMode(int algId, boolean wholeBlocks) {
    this.algId = algId;
    this.wholeBlocks = wholeBlocks;
  }

  /** The {@code TPM_ALG_ID}. */
  public int algId() {
    return algId;
  }

  /** Whether the data must be a multiple of the block size ({@code TPM_RC_SIZE} otherwise). */
  public boolean requiresWholeBlocks() {
    return wholeBlocks;
  }

  /** Whether the mode has an IV (every mode but ECB). */
  public boolean usesIv() {
    return this != ECB;
  }

  /** The mode with this {@code TPM_ALG_ID}, if implemented. */
  public static Optional<SymmetricMode> fromAlgId(int algId) {
    for (SymmetricMode m : values()) {
      if (m.algId == algId) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
