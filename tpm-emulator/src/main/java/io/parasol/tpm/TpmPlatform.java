package io.parasol.tpm;

/**
 * The platform's side of a TPM: the signals a motherboard (or the mssim platform port, the swtpm
 * control channel, a CRB front end) sends besides commands.
 */
public interface TpmPlatform {

  /** Power on: {@code _TPM_Init}. The next command must be TPM2_Startup. */
  void powerOn();

  /** Power off. Volatile state is lost unless a Shutdown(STATE) saved it. */
  void powerOff();

  /** True while powered on. */
  boolean isPoweredOn();

  /** Asks a running command to stop early; it may answer {@code TPM_RC_CANCELED}. */
  void cancel();

  /** Clears a pending cancel request. */
  void clearCancel();

  /** {@code _TPM_Hash_Start}: begins an H-CRTM measurement (locality 4). */
  void hashStart();

  /** {@code _TPM_Hash_Data}: data for the H-CRTM measurement. */
  void hashData(byte[] data);

  /** {@code _TPM_Hash_End}: extends the H-CRTM measurement into PCR 0. */
  void hashEnd();

  /** The TPM-established flag (set by an H-CRTM sequence). */
  boolean tpmEstablished();

  /** Clears the TPM-established flag, as locality 3 or 4 may. */
  void resetTpmEstablished(Locality locality);

  /**
   * Tells the TPM how large the interface's command and response buffer is (a CRB's data buffer,
   * swtpm's {@code CMD_SET_BUFFERSIZE}), as libtpms' {@code TPMLIB_SetBufferSize} does: the TPM
   * then reports the size as {@code TPM_PT_MAX_COMMAND_SIZE} and {@code TPM_PT_MAX_RESPONSE_SIZE}
   * and refuses longer commands. The size is clamped to [{@link TpmLimits#MIN_BUFFER_SIZE}, {@link
   * TpmLimits#MAX_COMMAND_SIZE}].
   *
   * @return the size in force
   */
  int setBufferSize(int bytes);
}
