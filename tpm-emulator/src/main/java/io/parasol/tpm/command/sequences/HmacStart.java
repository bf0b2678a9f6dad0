package io.parasol.tpm.command.sequences;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.symmetric.SymmetricKeyUse;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmObject;

/**
 * TPM2_HMAC_Start (Part 3 §17.2): starts an HMAC sequence keyed with a keyed-hash signing key; the
 * sequence belongs to the key's hierarchy.
 */
public final class HmacStart implements Command<HmacStart.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.HMAC_START)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .responseHandle()
          .decrypt()
          .build();

  /** {@code auth} and {@code hashAlg}. */
  public record In(byte[] auth, int hashAlg) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    byte[] auth = in.parameter(1, r -> r.read2B(Tpm2b.AUTH));
    int hash =
        in.parameter(
            2,
            r -> {
              int h = r.readU16();
              if (h != io.parasol.tpm.TpmAlgId.NULL && HashAlgorithm.fromAlgId(h).isEmpty()) {
                throw new TpmException(io.parasol.tpm.TpmRc.HASH);
              }
              return h;
            });
    return new In(auth, hash);
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject key = TpmObject.require(ctx.entity(0), 1);
    HashAlgorithm hash = SymmetricKeyUse.hmacHash(key, in.hashAlg(), 2);
    int handle = ctx.state().allocateTransientHandle();
    ctx.state()
        .transientObjects()
        .put(
            handle,
            HashSequence.hmac(
                handle, hash, key.sensitive().sensitive(), in.auth(), key.hierarchy()));
    ctx.setResponseHandle(handle);
  }
}
