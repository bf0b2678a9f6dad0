package io.parasol.tpm.command.nv;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.NvPublic;
import io.parasol.tpm.nv.TpmaNv;

/**
 * TPM2_NV_DefineSpace (Part 3 §31.3): defines an index with its public area and authValue, after
 * the attribute rules of Part 2 §13.4 ({@code NvDefineSpace} of the reference implementation):
 * sizes per type, PIN rules, no preset locks or written state, a way to read and a way to write,
 * {@code PLATFORMCREATE} matching the authorising hierarchy, {@code POLICY_DELETE} only for the
 * platform, {@code WRITEALL} only for indices one command can write.
 */
public final class NvDefineSpace implements Command<NvDefineSpace.In> {
  /** Most indices this TPM holds ({@code TPM_RC_NV_SPACE} beyond). */
  static final int MAX_INDICES = 128;

  /** Most data octets all indices together hold ({@code TPM_RC_NV_SPACE} beyond). */
  static final int MAX_TOTAL_DATA = 64 * 1024;

  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.NV_DEFINE_SPACE)
          .handle(HandleType.RH_PROVISION, AuthRole.USER)
          .decrypt()
          .nv()
          .build();

  /** {@code auth} (TPM2B_AUTH) and {@code publicInfo} (TPM2B_NV_PUBLIC). */
  public record In(byte[] auth, NvPublic publicInfo) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(in.parameter(1, r -> r.read2B(Tpm2b.AUTH)), in.parameter(2, NvPublic::read2B));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmState state = ctx.state();
    int authHandle = ctx.handle(0);
    NvPublic pub = in.publicInfo();
    int attrs = pub.attributes();
    int digestSize = pub.nameAlg().digestSize();
    int blamePublic = 2;

    if (pub.authPolicy().length != 0 && pub.authPolicy().length != digestSize) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, blamePublic));
    }
    if (Entity.trimTrailingZeros(in.auth()).length > digestSize) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    if (authHandle == TpmHandle.RH_PLATFORM && !state.isPlatformNvEnabled()) {
      throw new TpmException(TpmRc.handle(TpmRc.HIERARCHY, 1));
    }
    int type = TpmaNv.type(attrs);
    if (!TpmaNv.isImplementedType(type)) {
      throw attributes(blamePublic);
    }
    // Part 2 §13.5: data sizes by type.
    boolean sizeOk =
        switch (type) {
          case TpmaNv.NT_ORDINARY -> pub.dataSize() <= NvIndex.MAX_INDEX_SIZE;
          case TpmaNv.NT_EXTEND -> pub.dataSize() == digestSize;
          default -> pub.dataSize() == NvIndex.WORD_SIZE;
        };
    if (!sizeOk) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, blamePublic));
    }
    switch (type) {
      case TpmaNv.NT_COUNTER -> {
        if (pub.has(TpmaNv.CLEAR_STCLEAR)) {
          throw attributes(blamePublic); // counters are never cleared
        }
      }
      case TpmaNv.NT_PIN_FAIL, TpmaNv.NT_PIN_PASS -> {
        // PIN Fail needs NO_DA (it is its own lockout); neither PIN type may be written with its
        // own authValue (usable only once written) nor be locked by definition or globally.
        if (type == TpmaNv.NT_PIN_FAIL && !pub.has(TpmaNv.NO_DA)) {
          throw attributes(blamePublic);
        }
        if ((attrs & (TpmaNv.AUTHWRITE | TpmaNv.GLOBALLOCK | TpmaNv.WRITEDEFINE)) != 0) {
          throw attributes(blamePublic);
        }
      }
      default -> {}
    }
    if ((attrs & (TpmaNv.WRITTEN | TpmaNv.WRITELOCKED | TpmaNv.READLOCKED)) != 0) {
      throw attributes(blamePublic);
    }
    if ((attrs & (TpmaNv.OWNERREAD | TpmaNv.PPREAD | TpmaNv.AUTHREAD | TpmaNv.POLICYREAD)) == 0) {
      throw attributes(blamePublic);
    }
    if ((attrs & (TpmaNv.OWNERWRITE | TpmaNv.PPWRITE | TpmaNv.AUTHWRITE | TpmaNv.POLICYWRITE))
        == 0) {
      throw attributes(blamePublic);
    }
    if (pub.has(TpmaNv.CLEAR_STCLEAR) && pub.has(TpmaNv.WRITEDEFINE)) {
      throw attributes(blamePublic);
    }
    boolean platformCreate = pub.has(TpmaNv.PLATFORMCREATE);
    if (platformCreate != (authHandle == TpmHandle.RH_PLATFORM)) {
      throw new TpmException(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
    }
    if (pub.has(TpmaNv.POLICY_DELETE) && authHandle != TpmHandle.RH_PLATFORM) {
      throw attributes(blamePublic);
    }
    if (pub.dataSize() > TpmLimits.MAX_NV_BUFFER_SIZE && pub.has(TpmaNv.WRITEALL)) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, blamePublic));
    }
    if (state.nvIndices().containsKey(pub.nvIndex())) {
      throw new TpmException(TpmRc.NV_DEFINED);
    }
    int used = 0;
    for (var e : state.nvIndices().values()) {
      if (e instanceof NvIndex index) {
        used += index.publicArea().dataSize();
      }
    }
    if (state.nvIndices().size() >= MAX_INDICES || used + pub.dataSize() > MAX_TOTAL_DATA) {
      throw new TpmException(TpmRc.NV_SPACE);
    }
    state.nvIndices().put(pub.nvIndex(), new NvIndex(pub, in.auth()));
  }

  private static TpmException attributes(int parameter) {
    return new TpmException(TpmRc.parameter(TpmRc.ATTRIBUTES, parameter));
  }
}
