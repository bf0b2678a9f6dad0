package io.parasol.tpm.command.hierarchy;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * TPM2_SetPrimaryPolicy (Part 3 §24.3): sets the authPolicy of a hierarchy or of lockout. The
 * digest must be as long as {@code hashAlg}'s digests ({@code TPM_RC_SIZE}); {@code TPM_ALG_NULL}
 * with an empty digest removes the policy.
 */
public final class SetPrimaryPolicy implements Command<SetPrimaryPolicy.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.SET_PRIMARY_POLICY)
          .handle(HandleType.RH_HIERARCHY_POLICY, AuthRole.USER)
          .decrypt()
          .nv()
          .build();

  /** {@code authPolicy} (TPM2B_DIGEST) and {@code hashAlg} (TPMI_ALG_HASH+). */
  public record In(byte[] authPolicy, int hashAlg) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    byte[] policy = in.parameter(1, r -> r.read2B(Tpm2b.DIGEST));
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
    return new In(policy, alg);
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    int size = HashAlgorithm.fromAlgId(in.hashAlg()).map(HashAlgorithm::digestSize).orElse(0);
    if (in.authPolicy().length != size) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    int handle = ctx.handle(0);
    ctx.state().permanentAuth(handle).setPolicy(in.hashAlg(), in.authPolicy());
    if (handle == TpmHandle.RH_PLATFORM) {
      ctx.state().clearOrderly();
    }
  }
}
