package io.parasol.tpm.server;

import io.parasol.tpm.TpmLimits;
import java.util.Objects;

/**
 * How the TPM servers behave, beyond where they listen ({@link Endpoint}).
 *
 * @param maxCommandSizeBytes the largest TPM command a client may send (the TPM's {@code
 *     TPM_PT_MAX_COMMAND_SIZE}); a frame announcing more closes the connection. It is also the
 *     swtpm buffer size {@code CMD_SET_BUFFERSIZE} reports and the ceiling it accepts.
 * @param honourStop whether a client may stop the server: mssim {@code TPM_STOP}, swtpm {@code
 *     CMD_SHUTDOWN}. The reference servers exit on them; a shared, long-running vTPM may refuse.
 * @param warningsPerMinute how many warnings about misbehaving clients each server logs per minute
 * @param identity what swtpm's {@code CMD_GET_INFO} reports about the TPM
 */
public record TpmServerOptions(
    int maxCommandSizeBytes, boolean honourStop, int warningsPerMinute, TpmIdentity identity) {

  /** {@code MAX_COMMAND_SIZE} of the reference implementation and of libtpms: 4096 bytes. */
  public static final int DEFAULT_MAX_COMMAND_SIZE = 4096;

  /**
   * The smallest buffer a TPM 2.0 may be given: 2808 bytes, what swtpm 0.7.1 reports as the minimum
   * in {@code CMD_SET_BUFFERSIZE} (tpm-wire-protocols.md §1b).
   */
  public static final int MIN_BUFFER_SIZE = TpmLimits.MIN_BUFFER_SIZE;

  public TpmServerOptions {
    if (maxCommandSizeBytes < MIN_BUFFER_SIZE || maxCommandSizeBytes > 1 << 20) {
      throw new IllegalArgumentException(
          "max command size " + maxCommandSizeBytes + " is not " + MIN_BUFFER_SIZE + "–1 MiB");
    }
    if (warningsPerMinute < 0) {
      throw new IllegalArgumentException("warnings per minute must not be negative");
    }
    Objects.requireNonNull(identity, "identity");
  }

  /** 4096-byte commands, clients may stop the server, 20 warnings a minute, {@link TpmIdentity}. */
  public static TpmServerOptions defaults() {
    return new TpmServerOptions(DEFAULT_MAX_COMMAND_SIZE, true, 20, TpmIdentity.PARASOL);
  }

  public TpmServerOptions withMaxCommandSizeBytes(int bytes) {
    return new TpmServerOptions(bytes, honourStop, warningsPerMinute, identity);
  }

  public TpmServerOptions withHonourStop(boolean honour) {
    return new TpmServerOptions(maxCommandSizeBytes, honour, warningsPerMinute, identity);
  }

  public TpmServerOptions withWarningsPerMinute(int perMinute) {
    return new TpmServerOptions(maxCommandSizeBytes, honourStop, perMinute, identity);
  }

  public TpmServerOptions withIdentity(TpmIdentity id) {
    return new TpmServerOptions(maxCommandSizeBytes, honourStop, warningsPerMinute, id);
  }

  /**
   * The TPM's specification level and vendor attributes, as swtpm's {@code CMD_GET_INFO} reports
   * them ({@code TPMLIB_GetInfo} in libtpms). The engine's {@code TPM_PT_*} properties are the
   * authority; this copy only serves the control channel.
   *
   * @param family {@code TPM_PT_FAMILY_INDICATOR} as text, "2.0"
   * @param level {@code TPM_PT_LEVEL}
   * @param revision {@code TPM_PT_REVISION}, e.g. 159 for 1.59
   * @param manufacturer {@code TPM_PT_MANUFACTURER}, four ASCII bytes as a u32
   * @param firmwareVersion {@code TPM_PT_FIRMWARE_VERSION_1}
   * @param model the model name
   */
  public record TpmIdentity(
      String family, int level, int revision, int manufacturer, int firmwareVersion, String model) {
    /** Parasol's vTPM: family 2.0, level 0, revision 1.59, manufacturer "PRSL". */
    public static final TpmIdentity PARASOL =
        new TpmIdentity("2.0", 0, 159, 0x5052534C, 0x20260101, "parasol");

    public TpmIdentity {
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(model, "model");
    }
  }
}
