package io.parasol.tpm;

/**
 * The implementation-dependent sizes of this TPM (TPM 2.0 Library Part 2 Annex A and the
 * implementation's {@code TpmProfile.h}), chosen like the reference implementation and libtpms so
 * that clients tuned for those see the same limits. {@code TPM2_GetCapability} reports them.
 */
public final class TpmLimits {
  private TpmLimits() {}

  /** {@code MAX_COMMAND_SIZE}: the largest command accepted ({@code TPM_PT_MAX_COMMAND_SIZE}). */
  public static final int MAX_COMMAND_SIZE = 4096;

  /** {@code MAX_RESPONSE_SIZE} ({@code TPM_PT_MAX_RESPONSE_SIZE}). */
  public static final int MAX_RESPONSE_SIZE = 4096;

  /**
   * The smallest I/O buffer a platform may give the TPM ({@link TpmPlatform#setBufferSize}): 2808
   * bytes, the minimum swtpm 0.7.1 (libtpms) reports.
   */
  public static final int MIN_BUFFER_SIZE = 2808;

  /** The size of a command or response header: tag, size, code. */
  public static final int HEADER_SIZE = 10;

  /** {@code MAX_SESSION_NUM}: authorisation sessions per command. */
  public static final int MAX_SESSION_NUM = 3;

  /** {@code MAX_DIGEST_SIZE}: the largest digest of an implemented hash (SHA-512). */
  public static final int MAX_DIGEST_SIZE = 64;

  /** {@code MAX_DIGEST_BUFFER}: data per hash command ({@code TPM_PT_INPUT_BUFFER}). */
  public static final int MAX_DIGEST_BUFFER = 1024;

  /** {@code MAX_NV_BUFFER_SIZE}: data per NV read or write ({@code TPM_PT_NV_BUFFER_MAX}). */
  public static final int MAX_NV_BUFFER_SIZE = 1024;

  /** {@code MAX_NV_INDEX_SIZE}: the largest NV index data area ({@code TPM_PT_NV_INDEX_MAX}). */
  public static final int MAX_NV_INDEX_SIZE = 2048;

  /** {@code MAX_SYM_DATA}: the largest sealed data object. */
  public static final int MAX_SYM_DATA = 128;

  /** {@code MAX_RSA_KEY_BYTES}: RSA-3072. */
  public static final int MAX_RSA_KEY_BYTES = 384;

  /** {@code IMPLEMENTATION_PCR}: PCRs per bank (PC Client: 24). */
  public static final int IMPLEMENTATION_PCR = 24;

  /** {@code PCR_SELECT_MIN}/{@code PCR_SELECT_MAX}: octets of a PCR selection bitmap. */
  public static final int PCR_SELECT_SIZE = (IMPLEMENTATION_PCR + 7) / 8;

  /** {@code MAX_LOADED_SESSIONS} ({@code TPM_PT_HR_LOADED_MIN}). */
  public static final int MAX_LOADED_SESSIONS = 3;

  /** {@code MAX_ACTIVE_SESSIONS} ({@code TPM_PT_ACTIVE_SESSIONS_MAX}). */
  public static final int MAX_ACTIVE_SESSIONS = 64;

  /** {@code MAX_LOADED_OBJECTS} ({@code TPM_PT_HR_TRANSIENT_MIN}). */
  public static final int MAX_LOADED_OBJECTS = 3;

  /** {@code MAX_CAP_BUFFER}: the size of the data of one GetCapability answer. */
  public static final int MAX_CAP_BUFFER = 1024;

  /** {@code MAX_CAP_DATA}: {@link #MAX_CAP_BUFFER} less the capability and count fields. */
  public static final int MAX_CAP_DATA = MAX_CAP_BUFFER - 4 - 4;

  /** {@code MAX_CAP_ALGS}. */
  public static final int MAX_CAP_ALGS = MAX_CAP_DATA / 6;

  /** {@code MAX_CAP_HANDLES}. */
  public static final int MAX_CAP_HANDLES = MAX_CAP_DATA / 4;

  /** {@code MAX_CAP_CC}. */
  public static final int MAX_CAP_CC = MAX_CAP_DATA / 4;

  /** {@code MAX_TPM_PROPERTIES}. */
  public static final int MAX_TPM_PROPERTIES = MAX_CAP_DATA / 8;

  /** {@code MAX_PCR_PROPERTIES}. */
  public static final int MAX_PCR_PROPERTIES = MAX_CAP_DATA / (4 + 1 + PCR_SELECT_SIZE);

  /** {@code MAX_ECC_CURVES}. */
  public static final int MAX_ECC_CURVES = MAX_CAP_DATA / 2;

  /** {@code MAX_TAGGED_POLICIES}. */
  public static final int MAX_TAGGED_POLICIES = MAX_CAP_DATA / (4 + 2 + MAX_DIGEST_SIZE);

  /** {@code PRIMARY_SEED_SIZE}: octets of each hierarchy's primary seed. */
  public static final int PRIMARY_SEED_SIZE = 64;

  /** {@code PROOF_SIZE}: octets of each hierarchy proof. */
  public static final int PROOF_SIZE = 64;

  /** {@code MAX_CONTEXT_SIZE}: the largest saved context blob. */
  public static final int MAX_CONTEXT_SIZE = 2168;
}
