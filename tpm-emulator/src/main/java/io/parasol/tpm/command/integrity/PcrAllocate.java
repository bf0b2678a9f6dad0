package io.parasol.tpm.command.integrity;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsPcrSelection;
import io.parasol.tpm.pcr.PcrBanks;
import java.util.ArrayList;
import java.util.List;

/**
 * TPM2_PCR_Allocate (Part 3 §22.5): with platform authorisation, records which PCRs each bank will
 * have after the next Startup(CLEAR). Banks named in {@code pcrAllocation} take its bitmap; the
 * others keep their pending allocation. A bank this TPM cannot hold makes {@code allocationSuccess}
 * NO and changes nothing.
 */
public final class PcrAllocate implements Command<TpmlPcrSelection> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.PCR_ALLOCATE).handle(HandleType.RH_PLATFORM, AuthRole.USER).nv().build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public TpmlPcrSelection parse(TpmReader in) throws TpmException {
    return in.parameter(1, TpmlPcrSelection::read);
  }

  @Override
  public void execute(CommandContext ctx, TpmlPcrSelection request, TpmWriter out) {
    PcrBanks pcrs = ctx.state().pcrs();
    boolean success = true;
    for (TpmsPcrSelection s : request.selections()) {
      HashAlgorithm h = HashAlgorithm.fromAlgId(s.hashAlg()).orElseThrow();
      if (!PcrBanks.IMPLEMENTED.contains(h) && !s.isEmpty()) {
        success = false;
      }
    }
    List<TpmsPcrSelection> next = new ArrayList<>();
    int sizeNeeded = 0;
    for (HashAlgorithm h : PcrBanks.IMPLEMENTED) {
      TpmsPcrSelection chosen = find(request, h);
      if (chosen == null) {
        chosen = find(pcrs.pendingAllocation(), h);
      }
      if (chosen == null) {
        chosen = TpmsPcrSelection.of(h.algId());
      }
      for (int pcr = 0; pcr < TpmLimits.IMPLEMENTATION_PCR; pcr++) {
        if (chosen.isSelected(pcr)) {
          sizeNeeded += h.digestSize();
        }
      }
      next.add(chosen);
    }
    if (success) {
      pcrs.setPendingAllocation(new TpmlPcrSelection(next));
    }
    int sizeAvailable =
        TpmLimits.IMPLEMENTATION_PCR
            * PcrBanks.IMPLEMENTED.stream().mapToInt(HashAlgorithm::digestSize).sum();
    out.writeYesNo(success)
        .writeU32(TpmLimits.IMPLEMENTATION_PCR)
        .writeU32(sizeNeeded)
        .writeU32(sizeAvailable);
  }

  private static TpmsPcrSelection find(TpmlPcrSelection list, HashAlgorithm h) {
    for (TpmsPcrSelection s : list.selections()) {
      if (s.hashAlg() == h.algId()) {
        return s;
      }
    }
    return null;
  }
}
