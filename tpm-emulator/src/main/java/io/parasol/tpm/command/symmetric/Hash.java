package io.parasol.tpm.command.symmetric;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.sequences.HashCheckTicket;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_Hash (Part 3 §15.4): the digest of {@code data}, with a hash-check ticket in {@code
 * hierarchy} unless the data begins with {@code TPM_GENERATED_VALUE} or the hierarchy is {@code
 * TPM_RH_NULL}.
 */
public final class Hash implements Command<Hash.In> {
  private static final int TPM_GENERATED_VALUE = 0xFF544347;

  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.HASH).decrypt().encrypt().build();

  /** {@code data} (TPM2B_MAX_BUFFER), {@code hashAlg}, {@code hierarchy} (TPMI_RH_HIERARCHY+). */
  public record In(byte[] data, HashAlgorithm hashAlg, int hierarchy) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    byte[] data = in.parameter(1, r -> r.read2B(Tpm2b.MAX_BUFFER));
    HashAlgorithm alg =
        in.parameter(
            2,
            r ->
                HashAlgorithm.fromAlgId(r.readU16())
                    .orElseThrow(() -> new TpmException(TpmRc.HASH)));
    int hierarchy = in.parameter(3, HandleType.RH_HIERARCHY_OR_NULL::read);
    return new In(data, alg, hierarchy);
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    if (!ctx.state().isEnabled(Hierarchy.of(in.hierarchy()).orElseThrow())) {
      throw new TpmException(TpmRc.parameter(TpmRc.HIERARCHY, 3));
    }
    byte[] digest = in.hashAlg().digest(in.data());
    byte[] d = in.data();
    boolean safe =
        d.length < 4
            || (((d[0] & 0xFF) << 24)
                    | ((d[1] & 0xFF) << 16)
                    | ((d[2] & 0xFF) << 8)
                    | (d[3] & 0xFF))
                != TPM_GENERATED_VALUE;
    out.write2B(digest);
    HashCheckTicket.of(ctx.state(), in.hierarchy(), in.hashAlg(), digest, safe).write(out);
  }
}
