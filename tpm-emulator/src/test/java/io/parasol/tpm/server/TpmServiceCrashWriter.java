package io.parasol.tpm.server;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child process of {@link TpmServiceCrashTest}: starts a {@link TpmService} on a state
 * directory, runs TPM2_Startup, prints {@code READY n} with the TPM's dictionary-attack {@code
 * maxTries}, then sets it to n+1, n+2, … with TPM2_DictionaryAttackParameters (a persistent change,
 * saved before the response returns), printing {@code ACK k} after each, until it is killed.
 *
 * <p>Arguments: state directory, key file[, number of commands then exit normally].
 */
public final class TpmServiceCrashWriter {
  private TpmServiceCrashWriter() {}

  /** Runs the writer; see the class comment. */
  public static void main(String[] args) throws Exception {
    long commands = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
    PrintStream out = System.out;
    try (TpmService service =
        TpmService.builder().stateDirectory(Path.of(args[0])).keyFile(Path.of(args[1])).start()) {
      check(service, TpmCommandBuilder.command(TpmCc.STARTUP).params(w -> w.writeU16(0)));
      long maxTries = service.engine().state().dictionaryAttack().maxTries();
      out.println("READY " + maxTries);
      out.flush();
      for (long i = 0; i < commands; i++) {
        int next = (int) ++maxTries;
        check(
            service,
            TpmCommandBuilder.command(TpmCc.DICTIONARY_ATTACK_PARAMETERS)
                .handle(TpmHandle.RH_LOCKOUT)
                .password()
                .params(w -> w.writeU32(next).writeU32(1000).writeU32(1000)));
        out.println("ACK " + next);
        out.flush();
      }
    }
  }

  private static void check(TpmService service, TpmCommandBuilder command) {
    int rc = TpmResponse.parse(service.tpm().execute(Locality.ZERO, command.build())).rc();
    if (rc != TpmRc.SUCCESS) {
      throw new IllegalStateException("command failed: " + TpmRc.describe(rc));
    }
  }
}
