package io.parasol.tpm.command.nv;

import io.parasol.tpm.EntityCodec;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import io.parasol.tpm.nv.NvIndexCodec;
import java.util.List;
import java.util.Map;

/** Part 3 §31 "Non-volatile Storage". */
public final class NvCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new NvDefineSpace(), // §31.3
        new NvUndefineSpace(), // §31.4
        new NvUndefineSpaceSpecial(), // §31.5
        new NvReadPublic(), // §31.6
        new NvWrite(), // §31.7
        new NvIncrement(), // §31.8
        new NvExtend(), // §31.9
        new NvSetBits(), // §31.10
        new NvWriteLock(), // §31.11
        new NvGlobalWriteLock(), // §31.12
        new NvRead(), // §31.13
        new NvReadLock(), // §31.14
        new NvChangeAuth(), // §31.15
        new NvCertify()); // §31.16
  }

  @Override
  public Map<Integer, EntityCodec> entityCodecs() {
    return Map.of(TpmHandle.HT_NV_INDEX, new NvIndexCodec());
  }
}
