package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmLimits;

/**
 * The buffer sizes of the {@code TPM2B_*} types (TPM 2.0 Library Part 2 §10.4), for {@link
 * TpmReader#read2B(int)}. A {@code TPM2B} is a {@code UINT16} size and that many octets; in this
 * engine it is a plain {@code byte[]}.
 */
public final class Tpm2b {
  private Tpm2b() {}

  /** {@code TPM2B_DIGEST}: {@code sizeof(TPMU_HA)}. */
  public static final int DIGEST = TpmLimits.MAX_DIGEST_SIZE;

  /** {@code TPM2B_DATA}: {@code sizeof(TPMT_HA)}. */
  public static final int DATA = 2 + TpmLimits.MAX_DIGEST_SIZE;

  /** {@code TPM2B_NONCE}, a {@code TPM2B_DIGEST}. */
  public static final int NONCE = DIGEST;

  /** {@code TPM2B_AUTH}, a {@code TPM2B_DIGEST}. */
  public static final int AUTH = DIGEST;

  /** {@code TPM2B_OPERAND}, a {@code TPM2B_DIGEST}. */
  public static final int OPERAND = DIGEST;

  /** {@code TPM2B_EVENT}. */
  public static final int EVENT = 1024;

  /** {@code TPM2B_MAX_BUFFER}: {@code MAX_DIGEST_BUFFER}. */
  public static final int MAX_BUFFER = TpmLimits.MAX_DIGEST_BUFFER;

  /** {@code TPM2B_MAX_NV_BUFFER}: {@code MAX_NV_BUFFER_SIZE}. */
  public static final int MAX_NV_BUFFER = TpmLimits.MAX_NV_BUFFER_SIZE;

  /** {@code TPM2B_TIMEOUT}: {@code sizeof(UINT64)}. */
  public static final int TIMEOUT = 8;

  /** {@code TPM2B_IV}: {@code MAX_SYM_BLOCK_SIZE}. */
  public static final int IV = 16;

  /** {@code TPM2B_NAME}: {@code sizeof(TPMU_NAME)}. */
  public static final int NAME = 2 + TpmLimits.MAX_DIGEST_SIZE;

  /** {@code TPM2B_SENSITIVE_DATA}: {@code MAX_SYM_DATA}. */
  public static final int SENSITIVE_DATA = TpmLimits.MAX_SYM_DATA;

  /** {@code TPM2B_ENCRYPTED_SECRET}: {@code sizeof(TPMU_ENCRYPTED_SECRET)}. */
  public static final int ENCRYPTED_SECRET = TpmLimits.MAX_RSA_KEY_BYTES;

  /** {@code TPM2B_CONTEXT_DATA}: {@code MAX_CONTEXT_SIZE}. */
  public static final int CONTEXT_DATA = TpmLimits.MAX_CONTEXT_SIZE;
}
