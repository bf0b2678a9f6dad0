package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import java.util.ArrayList;
import java.util.List;

/** {@code TPML_DIGEST} (TPM 2.0 Library Part 2 §10.9.3): up to eight {@code TPM2B_DIGEST}s. */
public record TpmlDigest(List<byte[]> digests) {

  /** The largest count: eight. */
  public static final int MAX = 8;

  public TpmlDigest {
    digests = List.copyOf(digests);
  }

  /** Unmarshals; a count above eight is {@code TPM_RC_SIZE}. */
  public static TpmlDigest read(TpmReader in) throws TpmException {
    int count = in.readU32();
    if (Integer.compareUnsigned(count, MAX) > 0) {
      throw new TpmException(TpmRc.SIZE);
    }
    List<byte[]> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      list.add(in.read2B(Tpm2b.DIGEST));
    }
    return new TpmlDigest(list);
  }

  public void write(TpmWriter out) {
    out.writeU32(digests.size());
    for (byte[] d : digests) {
      out.write2B(d);
    }
  }
}
