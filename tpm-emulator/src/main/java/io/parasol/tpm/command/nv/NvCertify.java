package io.parasol.tpm.command.nv;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.attestation.AttestParameters;
import io.parasol.tpm.command.attestation.AttestationSigner;
import io.parasol.tpm.command.attestation.TpmsAttest;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.nv.NvAccess;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.object.TpmtScheme;

/**
 * TPM2_NV_Certify (Part 3 §31.16): signs the contents of an NV index the caller may read. A range
 * ({@code size}, {@code offset}) is reported as {@code TPMS_NV_CERTIFY_INFO}; {@code size} and
 * {@code offset} both zero ask for the digest of the whole index with the signing scheme's hash
 * ({@code TPMS_NV_DIGEST_CERTIFY_INFO}). Read access is checked as for TPM2_NV_Read.
 */
public final class NvCertify implements Command<NvCertify.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_CERTIFY)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.USER)
          .handle(HandleType.RH_NV_AUTH, AuthRole.USER)
          .handle(HandleType.RH_NV_INDEX, AuthRole.NONE)
          .decrypt()
          .encrypt()
          .build();

  /** {@code qualifyingData}, {@code inScheme}, {@code size}, {@code offset}. */
  public record In(byte[] qualifyingData, TpmtScheme inScheme, int size, int offset) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        AttestParameters.qualifyingData(in, 1),
        AttestParameters.inScheme(in, 2),
        in.parameter(3, TpmReader::readU16),
        in.parameter(4, TpmReader::readU16));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    AttestationSigner signer = AttestationSigner.of(ctx, 0, in.inScheme(), 2);
    NvIndex index = Indices.index(ctx, 2);
    NvAccess.checkRead(ctx.handle(1), index);
    int dataSize = index.publicArea().dataSize();
    if (in.size() + in.offset() > dataSize) {
      throw new TpmException(TpmRc.NV_RANGE);
    }
    if (in.size() > TpmLimits.MAX_NV_BUFFER_SIZE) {
      throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 3));
    }
    TpmsAttest.Attested attested;
    if (in.size() == 0 && in.offset() == 0) {
      HashAlgorithm h = signer.hash().orElse(null);
      byte[] digest = h == null ? new byte[0] : h.digest(index.read(0, dataSize));
      attested = new TpmsAttest.NvDigestCertifyInfo(index.name(), digest);
    } else {
      attested =
          new TpmsAttest.NvCertifyInfo(
              index.name(), in.offset(), index.read(in.offset(), in.size()));
    }
    signer.signAndWrite(
        ctx.state(), signer.attest(ctx.state(), in.qualifyingData(), attested), out);
  }
}
