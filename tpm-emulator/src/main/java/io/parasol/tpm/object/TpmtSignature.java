package io.parasol.tpm.object;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * {@code TPMT_SIGNATURE} (TPM 2.0 Library Part 2 §11.3.4): RSASSA and RSAPSS carry the hash and the
 * signature ({@link #first()}); ECDSA the hash, r ({@link #first()}) and s ({@link #second()});
 * HMAC a {@code TPMT_HA} ({@link #first()} is the digest); NULL nothing.
 */
public record TpmtSignature(int sigAlg, int hashAlg, byte[] first, byte[] second) {

  public TpmtSignature {
    first = first.clone();
    second = second.clone();
  }

  @Override
  public byte[] first() {
    return first.clone();
  }

  @Override
  public byte[] second() {
    return second.clone();
  }

  /**
   * Unmarshals: a scheme outside {@code TPMI_ALG_SIG_SCHEME+} is {@code TPM_RC_SCHEME}, a hash that
   * is not implemented {@code TPM_RC_HASH}.
   */
  public static TpmtSignature read(TpmReader in) throws TpmException {
    int alg = in.readU16();
    if (alg == TpmAlgId.NULL) {
      return new TpmtSignature(alg, TpmAlgId.NULL, new byte[0], new byte[0]);
    }
    if (!TpmtScheme.SIGNATURE.contains(alg)) {
      throw new TpmException(TpmRc.SCHEME);
    }
    int hash = in.readU16();
    HashAlgorithm h = HashAlgorithm.fromAlgId(hash).orElseThrow(() -> new TpmException(TpmRc.HASH));
    return switch (alg) {
      case TpmAlgId.RSASSA, TpmAlgId.RSAPSS ->
          new TpmtSignature(alg, hash, in.read2B(TpmtPublic.MAX_RSA_KEY_BYTES), new byte[0]);
      case TpmAlgId.HMAC -> new TpmtSignature(alg, hash, in.readBytes(h.digestSize()), new byte[0]);
      default ->
          new TpmtSignature(
              alg,
              hash,
              in.read2B(TpmtPublic.MAX_ECC_KEY_BYTES),
              in.read2B(TpmtPublic.MAX_ECC_KEY_BYTES));
    };
  }

  public void write(TpmWriter out) {
    out.writeU16(sigAlg);
    switch (sigAlg) {
      case TpmAlgId.NULL -> {}
      case TpmAlgId.HMAC -> out.writeU16(hashAlg).writeBytes(first);
      case TpmAlgId.RSASSA, TpmAlgId.RSAPSS -> out.writeU16(hashAlg).write2B(first);
      default -> out.writeU16(hashAlg).write2B(first).write2B(second);
    }
  }
}
