package io.parasol.tools.attest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parasol.isolation.attestation.MalformedEvidenceException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * An Azure confidential VM's HCL report, the content of vTPM NV index 0x01400001 (layout from the
 * Azure CVM guest attestation tooling, confirmed on the vectors): a 32-byte header ("HCLA"), the
 * 1184-byte hardware report area (an SNP report, or a TDREPORT padded), the IGVM request data
 * header, and the variable data: JSON holding the vTPM's AK and EK and the VM configuration, whose
 * SHA-256 is REPORT_DATA[0:32].
 */
public final class AzureHclReport {
  /** report_type for an SNP report. */
  public static final int REPORT_TYPE_SNP = 2;

  /** report_type for a TDX TDREPORT. */
  public static final int REPORT_TYPE_TDX = 4;

  private static final int HW_REPORT_OFFSET = 0x20;
  private static final int HW_REPORT_BYTES = 1184;
  private static final int REQUEST_DATA_OFFSET = 0x4C0;
  private static final int VARIABLE_DATA_OFFSET = 0x4D4;

  private final byte[] hwReport;
  private final int reportType;
  private final int hashType;
  private final byte[] variableData;

  private AzureHclReport(byte[] hwReport, int reportType, int hashType, byte[] variableData) {
    this.hwReport = hwReport;
    this.reportType = reportType;
    this.hashType = hashType;
    this.variableData = variableData;
  }

  public static AzureHclReport parse(byte[] data) throws MalformedEvidenceException {
    if (data.length < VARIABLE_DATA_OFFSET) {
      throw new MalformedEvidenceException(
          "the HCL report is " + data.length + " bytes, shorter than its fixed part");
    }
    if (!new String(data, 0, 4, StandardCharsets.US_ASCII).equals("HCLA")) {
      throw new MalformedEvidenceException("the HCL report does not start with 'HCLA'");
    }
    ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int reportType = le.getInt(REQUEST_DATA_OFFSET + 8);
    int hashType = le.getInt(REQUEST_DATA_OFFSET + 12);
    long varSize = le.getInt(REQUEST_DATA_OFFSET + 16) & 0xFFFFFFFFL;
    if (varSize > data.length - VARIABLE_DATA_OFFSET) {
      throw new MalformedEvidenceException(
          "the HCL report's variable data size " + varSize + " runs past its end");
    }
    if (reportType != REPORT_TYPE_SNP && reportType != REPORT_TYPE_TDX) {
      throw new MalformedEvidenceException(
          "the HCL report's report type is " + reportType + ", not SNP (2) or TDX (4)");
    }
    return new AzureHclReport(
        Arrays.copyOfRange(data, HW_REPORT_OFFSET, HW_REPORT_OFFSET + HW_REPORT_BYTES),
        reportType,
        hashType,
        Arrays.copyOfRange(data, VARIABLE_DATA_OFFSET, VARIABLE_DATA_OFFSET + (int) varSize));
  }

  /** The hardware report area (SNP report, or TDREPORT and padding). */
  public byte[] hwReport() {
    return hwReport.clone();
  }

  public int reportType() {
    return reportType;
  }

  /** The variable data exactly as stored: the bytes that are hashed. */
  public byte[] variableData() {
    return variableData.clone();
  }

  /** The expected REPORT_DATA: hash of the variable data, zero-padded to 64 bytes. */
  public byte[] expectedReportData() throws MalformedEvidenceException {
    String alg =
        switch (hashType) {
          case 1 -> "SHA-256";
          case 2 -> "SHA-384";
          case 3 -> "SHA-512";
          default ->
              throw new MalformedEvidenceException(
                  "the HCL report's hash type " + hashType + " is unknown");
        };
    try {
      return Arrays.copyOf(java.security.MessageDigest.getInstance(alg).digest(variableData), 64);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The variable data as JSON. */
  public JsonObject variableJson() throws MalformedEvidenceException {
    try {
      JsonElement e = JsonParser.parseString(new String(variableData, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw new MalformedEvidenceException("the HCL variable data is not a JSON object");
      }
      return e.getAsJsonObject();
    } catch (RuntimeException e) {
      throw new MalformedEvidenceException("the HCL variable data is not JSON: " + e.getMessage());
    }
  }

  /** The RSA key with {@code kid} (e.g. "HCLAkPub") from the variable data's "keys". */
  public Optional<PublicKey> key(String kid) throws MalformedEvidenceException {
    JsonElement keys = variableJson().get("keys");
    if (keys == null || !keys.isJsonArray()) {
      return Optional.empty();
    }
    for (JsonElement k : (JsonArray) keys) {
      if (k.isJsonObject()
          && k.getAsJsonObject().has("kid")
          && kid.equals(k.getAsJsonObject().get("kid").getAsString())) {
        return Optional.of(rsaJwk(k.getAsJsonObject()));
      }
    }
    return Optional.empty();
  }

  /** An RSA public key from a JWK with base64url n and e. */
  static PublicKey rsaJwk(JsonObject jwk) throws MalformedEvidenceException {
    try {
      if (!"RSA".equals(jwk.get("kty").getAsString())) {
        throw new MalformedEvidenceException("the JWK is not an RSA key");
      }
      Base64.Decoder d = Base64.getUrlDecoder();
      BigInteger n = new BigInteger(1, d.decode(jwk.get("n").getAsString()));
      BigInteger e = new BigInteger(1, d.decode(jwk.get("e").getAsString()));
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
    } catch (MalformedEvidenceException e) {
      throw e;
    } catch (Exception e) {
      throw new MalformedEvidenceException("the JWK is not a valid RSA key: " + e.getMessage());
    }
  }
}
