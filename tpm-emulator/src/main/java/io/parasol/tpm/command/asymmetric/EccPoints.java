package io.parasol.tpm.command.asymmetric;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.crypto.EccPoint;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmtPublic;

/** {@code TPM2B_ECC_POINT} (Part 2 §11.2.5.3): a size, then {@code TPMS_ECC_POINT} x and y. */
final class EccPoints {
  private EccPoints() {}

  /** The raw coordinates {x, y}. */
  static byte[][] read2B(TpmReader in) throws TpmException {
    return in.readSized(
        r ->
            new byte[][] {
              r.read2B(TpmtPublic.MAX_ECC_KEY_BYTES), r.read2B(TpmtPublic.MAX_ECC_KEY_BYTES)
            });
  }

  static void write2B(TpmWriter out, EccPoint p) {
    int mark = out.beginSized();
    out.write2B(p.xBytes()).write2B(p.yBytes());
    out.endSized(mark);
  }
}
