package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code TPML_DIGEST_VALUES} (TPM 2.0 Library Part 2 §10.9.4): up to {@code HASH_COUNT} tagged
 * digests, as PCR_Extend takes and PCR_Event returns.
 */
public record TpmlDigestValues(List<TpmtHa> digests) {

  /** {@code HASH_COUNT}. */
  public static final int MAX = HashAlgorithm.values().length;

  public TpmlDigestValues {
    digests = List.copyOf(digests);
  }

  /** Unmarshals; a count above {@link #MAX} is {@code TPM_RC_SIZE}. */
  public static TpmlDigestValues read(TpmReader in) throws TpmException {
    int count = in.readU32();
    if (Integer.compareUnsigned(count, MAX) > 0) {
      throw new TpmException(TpmRc.SIZE);
    }
    List<TpmtHa> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      list.add(TpmtHa.read(in));
    }
    return new TpmlDigestValues(list);
  }

  public void write(TpmWriter out) {
    out.writeU32(digests.size());
    for (TpmtHa d : digests) {
      d.write(out);
    }
  }
}
