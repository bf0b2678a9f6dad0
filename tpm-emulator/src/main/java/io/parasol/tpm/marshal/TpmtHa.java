package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * {@code TPMT_HA} (TPM 2.0 Library Part 2 §10.3.2): a digest tagged with its hash algorithm. The
 * digest is exactly the algorithm's digest size; {@code TPM_ALG_NULL} carries no digest.
 */
public record TpmtHa(int hashAlg, byte[] digest) {

  public TpmtHa {
    digest = digest.clone();
  }

  /** Unmarshals a {@code TPMT_HA} whose algorithm must be an implemented hash. */
  public static TpmtHa read(TpmReader in) throws TpmException {
    return read(in, false);
  }

  /** Unmarshals a {@code TPMT_HA+}, which may also be {@code TPM_ALG_NULL}. */
  public static TpmtHa read(TpmReader in, boolean nullAllowed) throws TpmException {
    int alg = in.readU16();
    if (alg == TpmAlgId.NULL && nullAllowed) {
      return new TpmtHa(alg, new byte[0]);
    }
    HashAlgorithm hash =
        HashAlgorithm.fromAlgId(alg).orElseThrow(() -> new TpmException(TpmRc.HASH));
    return new TpmtHa(alg, in.readBytes(hash.digestSize()));
  }

  public void write(TpmWriter out) {
    out.writeU16(hashAlg).writeBytes(digest);
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TpmtHa h && h.hashAlg == hashAlg && Arrays.equals(h.digest, digest);
  }

  @Override
  public int hashCode() {
    return hashAlg * 31 + Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return String.format("TpmtHa[0x%04X, %s]", hashAlg, HexFormat.of().formatHex(digest));
  }
}
