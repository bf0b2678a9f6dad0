package io.parasol.tpm.command.testing;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * TPM2_IncrementalSelfTest (Part 3 §10.3): takes a {@code TPML_ALG} of algorithms to test and
 * returns those still to be tested, which is always none.
 */
public final class IncrementalSelfTest implements Command<List<Integer>> {
  /** {@code MAX_ALG_LIST_SIZE}. */
  static final int MAX_ALG_LIST_SIZE = 64;

  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.INCREMENTAL_SELF_TEST).build();

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public List<Integer> parse(TpmReader in) throws TpmException {
    return in.parameter(
        1,
        r -> {
          int count = r.readU32();
          if (Integer.compareUnsigned(count, MAX_ALG_LIST_SIZE) > 0) {
            throw new TpmException(TpmRc.SIZE);
          }
          List<Integer> algs = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            algs.add(r.readU16());
          }
          return algs;
        });
  }

  @Override
  public void execute(CommandContext ctx, List<Integer> toTest, TpmWriter out) {
    out.writeU32(0); // toDoList: empty TPML_ALG
  }
}
