package io.parasol.tpm.command.signing;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.sequences.HashCheckTicket;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectSigner;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtScheme;
import io.parasol.tpm.session.SessionCrypto;

/**
 * TPM2_Sign (Part 3 §20.2): signs a digest with a signing key. A restricted key signs only digests
 * the TPM computed itself, proven by a hashcheck ticket from TPM2_Hash or TPM2_SequenceComplete
 * over data that does not start with {@code TPM_GENERATED_VALUE} ({@code TPM_RC_TICKET}).
 */
public final class Sign implements Command<Sign.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.SIGN).handle(HandleType.DH_OBJECT, AuthRole.USER).decrypt().build();

  /** {@code digest}, {@code inScheme}, {@code validation} (a {@code TPMT_TK_HASHCHECK}). */
  public record In(byte[] digest, TpmtScheme inScheme, int ticketHierarchy, byte[] ticketDigest) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    byte[] digest = in.parameter(1, r -> r.read2B(Tpm2b.DIGEST));
    TpmtScheme scheme =
        in.parameter(2, r -> TpmtScheme.read(r, TpmtScheme.SIGNATURE, true, TpmRc.SCHEME));
    return in.parameter(
        3,
        r -> {
          if (r.readU16() != TpmSt.HASHCHECK) {
            throw new TpmException(TpmRc.TAG);
          }
          int hierarchy = HandleType.RH_HIERARCHY_OR_NULL.read(r);
          return new In(digest, scheme, hierarchy, r.read2B(Tpm2b.DIGEST));
        });
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmObject key = TpmObject.require(ctx.entity(0), 1);
    TpmtScheme scheme;
    try {
      scheme = ObjectSigner.selectScheme(key, in.inScheme());
    } catch (TpmException e) {
      throw e.rc() == TpmRc.KEY ? e.atHandle(1) : e.atParameter(2);
    }
    HashAlgorithm hash = scheme.hash().orElseThrow();
    if (key.publicArea().has(TpmaObject.RESTRICTED)) {
      if (in.ticketHierarchy() == TpmHandle.RH_NULL) {
        throw new TpmException(TpmRc.parameter(TpmRc.TICKET, 3));
      }
      HashCheckTicket expected =
          HashCheckTicket.of(ctx.state(), in.ticketHierarchy(), hash, in.digest(), true);
      if (!SessionCrypto.equalsConstantTime(expected.digest(), in.ticketDigest())) {
        throw new TpmException(TpmRc.parameter(TpmRc.TICKET, 3));
      }
    }
    try {
      ObjectSigner.sign(key, scheme, in.digest(), ctx.state().random()).write(out);
    } catch (TpmException e) {
      throw e.rc() == TpmRc.SIZE ? e.atParameter(1) : e;
    }
  }
}
