package io.parasol.tpm.command.asymmetric;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.crypto.EccCurve;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.math.BigInteger;

/**
 * TPM2_ECC_Parameters (Part 3 §14.7): the {@code TPMS_ALGORITHM_DETAIL_ECC} of an implemented
 * curve; another curve is {@code TPM_RC_CURVE + P + 1}. As in the reference implementation's curve
 * table (and libtpms), each NIST curve names {@code TPM_ALG_KDF1_SP800_56A} with the hash of its
 * size as its KDF and no signing scheme.
 */
public final class EccParameters implements Command<EccCurve> {
  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.ECC_PARAMETERS).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public EccCurve parse(TpmReader in) throws TpmException {
    return in.parameter(
        1, r -> EccCurve.fromCurveId(r.readU16()).orElseThrow(() -> new TpmException(TpmRc.CURVE)));
  }

  @Override
  public void execute(CommandContext ctx, EccCurve curve, TpmWriter out) {
    int n = curve.byteLength();
    out.writeU16(curve.curveId()).writeU16(curve.keyBits());
    out.writeU16(TpmAlgId.KDF1_SP800_56A).writeU16(kdfHash(curve)); // kdf: TPMT_KDF_SCHEME
    out.writeU16(TpmAlgId.NULL); // sign: TPMT_ECC_SCHEME, no scheme (no details)
    for (BigInteger v :
        new BigInteger[] {curve.p(), curve.a(), curve.b(), curve.gX(), curve.gY(), curve.n()}) {
      out.write2B(fixed(v, n));
    }
    out.write2B(curve.h().toByteArray());
  }

  /** The hash of the curve's KDF: SHA-256 for P-256, SHA-384 for P-384. */
  static int kdfHash(EccCurve curve) {
    return switch (curve) {
      case NIST_P256 -> TpmAlgId.SHA256;
      case NIST_P384 -> TpmAlgId.SHA384;
    };
  }

  private static byte[] fixed(BigInteger v, int n) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[n];
    int copy = Math.min(b.length, n);
    System.arraycopy(b, b.length - copy, out, n - copy, copy);
    return out;
  }
}
