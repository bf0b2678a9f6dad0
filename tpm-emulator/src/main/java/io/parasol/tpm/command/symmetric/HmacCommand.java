package io.parasol.tpm.command.symmetric;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.Hmac;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.TpmObject;

/**
 * TPM2_HMAC (Part 3 §15.5): the HMAC of {@code buffer} with a keyed-hash signing key (named {@code
 * HmacCommand} since {@code Hmac} is the crypto primitive).
 */
public final class HmacCommand implements Command<HmacCommand.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.HMAC)
          .handle(HandleType.DH_OBJECT, AuthRole.USER)
          .decrypt()
          .encrypt()
          .build();

  /** {@code buffer} and {@code hashAlg}. */
  public record In(byte[] buffer, int hashAlg) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, r -> r.read2B(Tpm2b.MAX_BUFFER)),
        in.parameter(2, SymmetricKeyUse::readHashOrNull));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject key = TpmObject.require(ctx.entity(0), 1);
    HashAlgorithm hash = SymmetricKeyUse.hmacHash(key, in.hashAlg(), 2);
    out.write2B(Hmac.compute(hash, key.sensitive().sensitive(), in.buffer()));
  }
}
