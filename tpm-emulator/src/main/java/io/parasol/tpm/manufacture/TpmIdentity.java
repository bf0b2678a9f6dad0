package io.parasol.tpm.manufacture;

import java.nio.charset.StandardCharsets;

/**
 * What an EK certificate says about its TPM (TCG EK Credential Profile §3.2.9 and §3.2.12), read
 * from the TPM's fixed properties (Part 2 §6.13): manufacturer ({@code TPM_PT_MANUFACTURER}), model
 * ({@code TPM_PT_VENDOR_STRING_1..4}), firmware version ({@code TPM_PT_FIRMWARE_VERSION_1}) and the
 * specification it implements ({@code TPM_PT_FAMILY_INDICATOR}, {@code TPM_PT_LEVEL}, {@code
 * TPM_PT_REVISION}).
 */
public record TpmIdentity(
    int manufacturer, String model, int firmwareVersion1, String family, int level, int revision) {

  /** {@code tcg-at-tpmManufacturer}: "id:" and the 4-octet vendor ID in upper-case hex. */
  public String manufacturerAttribute() {
    return "id:%08X".formatted(manufacturer);
  }

  /** {@code tcg-at-tpmModel}: the vendor string. */
  public String modelAttribute() {
    return model;
  }

  /** {@code tcg-at-tpmVersion}: "id:" and {@code TPM_PT_FIRMWARE_VERSION_1} in upper-case hex. */
  public String versionAttribute() {
    return "id:%08X".formatted(firmwareVersion1);
  }

  /** The four octets of a {@code UINT32} property as text, without NULs and trailing blanks. */
  static String ascii(int... words) {
    StringBuilder b = new StringBuilder();
    for (int word : words) {
      byte[] four = {(byte) (word >>> 24), (byte) (word >>> 16), (byte) (word >>> 8), (byte) word};
      for (byte c : four) {
        if (c >= 0x20 && c < 0x7F) {
          b.append(new String(new byte[] {c}, StandardCharsets.US_ASCII));
        }
      }
    }
    return b.toString().strip();
  }
}
