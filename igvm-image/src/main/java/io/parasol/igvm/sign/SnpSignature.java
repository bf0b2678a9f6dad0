package io.parasol.igvm.sign;

import io.parasol.igvm.format.Blob;
import java.math.BigInteger;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * ECDSA P-384 with SHA-384 in SNP's signature layout: R and S as 72-byte little-endian integers,
 * zero padded (144 bytes in IGVM). Signing is deterministic (RFC 6979), so signing the same file
 * with the same key gives the same bytes.
 */
final class SnpSignature {
  static final int BYTES = 144;

  private SnpSignature() {}

  static Blob sign(P384Key key, byte[] message) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA384Digest()));
    signer.init(true, key.privateParameters());
    BigInteger[] rs = signer.generateSignature(sha384(message));
    byte[] out = new byte[BYTES];
    LittleEndian.put(rs[0], out, 0, 72);
    LittleEndian.put(rs[1], out, 72, 72);
    return Blob.of(out);
  }

  static boolean verify(ECPublicKeyParameters key, byte[] message, Blob signature) {
    byte[] b = signature.toByteArray();
    if (b.length != BYTES) {
      return false;
    }
    BigInteger r = LittleEndian.get(b, 0, 72);
    BigInteger s = LittleEndian.get(b, 72, 72);
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, key);
    return verifier.verifySignature(sha384(message), r, s);
  }

  private static byte[] sha384(byte[] message) {
    SHA384Digest d = new SHA384Digest();
    d.update(message, 0, message.length);
    byte[] out = new byte[48];
    d.doFinal(out, 0);
    return out;
  }
}
