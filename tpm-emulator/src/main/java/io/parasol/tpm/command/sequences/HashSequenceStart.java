package io.parasol.tpm.command.sequences;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_HashSequenceStart (Part 3 §17.3): loads a hash sequence object, or an event sequence when
 * {@code hashAlg} is {@code TPM_ALG_NULL}, and returns its handle.
 */
public final class HashSequenceStart implements Command<HashSequenceStart.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.HASH_SEQUENCE_START).responseHandle().decrypt().build();

  /** {@code auth} (TPM2B_AUTH) and {@code hashAlg} (TPMI_ALG_HASH+). */
  public record In(byte[] auth, int hashAlg) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    byte[] auth = in.parameter(1, r -> r.read2B(Tpm2b.AUTH));
    int alg =
        in.parameter(
            2,
            r -> {
              int a = r.readU16();
              if (a != TpmAlgId.NULL && HashAlgorithm.fromAlgId(a).isEmpty()) {
                throw new TpmException(TpmRc.HASH);
              }
              return a;
            });
    return new In(auth, alg);
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    int handle = ctx.state().allocateTransientHandle();
    HashSequence seq =
        in.hashAlg() == TpmAlgId.NULL
            ? HashSequence.event(handle, in.auth())
            : HashSequence.hash(
                handle, HashAlgorithm.fromAlgId(in.hashAlg()).orElseThrow(), in.auth());
    ctx.state().transientObjects().put(handle, seq);
    ctx.setResponseHandle(handle);
  }
}
