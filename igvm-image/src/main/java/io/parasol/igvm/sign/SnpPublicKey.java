package io.parasol.igvm.sign;

import io.parasol.igvm.format.Blob;
import java.math.BigInteger;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * An ECDSA P-384 public key as SEV-SNP writes it (SNP ABI, "ECDSA public key format"): curve u32 (2
 * = P-384), then Qx and Qy as 72-byte little-endian integers, zero padded.
 */
public record SnpPublicKey(BigInteger qx, BigInteger qy) {
  /** The SNP curve identifier of P-384. */
  public static final int CURVE_P384 = 2;

  /** The size of the structure an author key signs (0x404 bytes). */
  public static final int SNP_STRUCTURE_BYTES = 0x404;

  /** The IGVM layout (152 bytes): curve u32, reserved u32, Qx, Qy. */
  public Blob igvmBytes() {
    byte[] out = new byte[152];
    out[0] = CURVE_P384;
    LittleEndian.put(qx, out, 8, 72);
    LittleEndian.put(qy, out, 80, 72);
    return Blob.of(out);
  }

  /** The SNP structure an author key signs: curve u32, Qx, Qy, zeros to 0x404 bytes. */
  public byte[] snpStructure() {
    byte[] out = new byte[SNP_STRUCTURE_BYTES];
    out[0] = CURVE_P384;
    LittleEndian.put(qx, out, 4, 72);
    LittleEndian.put(qy, out, 76, 72);
    return out;
  }

  /** Reads the IGVM layout; fails when the curve is not P-384 or a reserved byte is set. */
  public static SnpPublicKey fromIgvm(Blob bytes) throws SigningException {
    byte[] b = bytes.toByteArray();
    if (b.length != 152) {
      throw new SigningException("a public key is " + b.length + " bytes, not 152");
    }
    int curve = (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    if (curve != CURVE_P384) {
      throw new SigningException("the public key's curve is " + curve + ", not 2 (P-384)");
    }
    for (int i = 4; i < 8; i++) {
      if (b[i] != 0) {
        throw new SigningException("the public key's reserved bytes are not zero");
      }
    }
    BigInteger x = LittleEndian.get(b, 8, 72);
    BigInteger y = LittleEndian.get(b, 80, 72);
    return new SnpPublicKey(x, y);
  }

  /** The key as a curve point; fails when it is not a point of P-384. */
  ECPublicKeyParameters parameters() throws SigningException {
    try {
      return new ECPublicKeyParameters(
          P384Key.DOMAIN.getCurve().validatePoint(qx, qy), P384Key.DOMAIN);
    } catch (IllegalArgumentException e) {
      throw new SigningException("the public key is not a point of P-384", e);
    }
  }
}
