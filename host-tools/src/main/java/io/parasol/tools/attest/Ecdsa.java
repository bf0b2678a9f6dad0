package io.parasol.tools.attest;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/** ECDSA with raw r‖s signatures and raw x‖y keys, as TDX quotes and TPMs carry them. */
final class Ecdsa {
  private Ecdsa() {}

  /**
   * A P-256 key from its raw 64-byte x‖y, or null if the point is not on the curve (a tampered key
   * must fail verification, not crash it).
   */
  static PublicKey p256(byte[] xy) {
    return point("secp256r1", xy);
  }

  static PublicKey point(String curveName, byte[] xy) {
    try {
      ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec(curveName);
      byte[] encoded = new byte[xy.length + 1];
      encoded[0] = 0x04;
      System.arraycopy(xy, 0, encoded, 1, xy.length);
      var q = curve.getCurve().decodePoint(encoded);
      if (!q.isValid()) {
        return null;
      }
      return KeyFactory.getInstance("EC", Certificates.BC)
          .generatePublic(new ECPublicKeySpec(q, curve));
    } catch (Exception e) {
      return null;
    }
  }

  /** Whether {@code rs} (r‖s, big-endian, equal halves) is {@code key}'s signature of data. */
  static boolean verifyRaw(String algorithm, PublicKey key, byte[] data, byte[] rs) {
    int half = rs.length / 2;
    return verify(
        algorithm,
        key,
        data,
        new BigInteger(1, Arrays.copyOf(rs, half)),
        new BigInteger(1, Arrays.copyOfRange(rs, half, rs.length)));
  }

  /** Whether (r, s) is {@code key}'s signature of {@code data}; never throws. */
  static boolean verify(String algorithm, PublicKey key, byte[] data, BigInteger r, BigInteger s) {
    if (key == null) {
      return false;
    }
    try {
      ASN1EncodableVector v = new ASN1EncodableVector();
      v.add(new ASN1Integer(r));
      v.add(new ASN1Integer(s));
      // Bouncy Castle: five to ten times faster than the JDK's ECDSA on P-256 and P-384.
      Signature sig = Signature.getInstance(algorithm, Certificates.BC);
      sig.initVerify(key);
      sig.update(data);
      return sig.verify(new DERSequence(v).getEncoded());
    } catch (Exception e) {
      return false;
    }
  }
}
