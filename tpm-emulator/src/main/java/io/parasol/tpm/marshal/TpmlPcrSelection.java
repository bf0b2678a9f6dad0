package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code TPML_PCR_SELECTION} (TPM 2.0 Library Part 2 §10.9.7): up to {@code HASH_COUNT} PCR
 * selections.
 */
public record TpmlPcrSelection(List<TpmsPcrSelection> selections) {

  /** {@code HASH_COUNT}: the number of implemented hash algorithms. */
  public static final int MAX = HashAlgorithm.values().length;

  public TpmlPcrSelection {
    selections = List.copyOf(selections);
  }

  /** Unmarshals; a count above {@link #MAX} is {@code TPM_RC_SIZE}. */
  public static TpmlPcrSelection read(TpmReader in) throws TpmException {
    int count = in.readU32();
    if (Integer.compareUnsigned(count, MAX) > 0) {
      throw new TpmException(TpmRc.SIZE);
    }
    List<TpmsPcrSelection> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      list.add(TpmsPcrSelection.read(in));
    }
    return new TpmlPcrSelection(list);
  }

  public void write(TpmWriter out) {
    out.writeU32(selections.size());
    for (TpmsPcrSelection s : selections) {
      s.write(out);
    }
  }
}
