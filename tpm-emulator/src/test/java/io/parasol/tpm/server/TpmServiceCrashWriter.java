package io.parasol.tpm.server;

import io.parasol.tpm.Entity;
import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.NvPublic;
import io.parasol.tpm.nv.TpmaNv;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child process of {@link TpmServiceCrashTest}: starts a {@link TpmService} on a state
 * directory, runs TPM2_Startup, defines (if missing) a counter index {@link #COUNTER} and an
 * ordinary 8-octet index {@link #COPY}, copies the counter into it if the last writer was killed
 * before it could, prints {@code READY n} with the counter's value, then repeats: TPM2_NV_Increment
 * of the counter to k, TPM2_NV_Write of k into the copy, {@code ACK k}, until it is killed. Every
 * command is saved before its response returns, so a kill leaves the counter at the last
 * acknowledged k or k+1, and the copy at the counter's value or one less.
 *
 * <p>Arguments: state directory, key file[, number of rounds then exit normally].
 */
public final class TpmServiceCrashWriter {
  /** The counter index (TPM_NT_COUNTER, owner read and write). */
  static final int COUNTER = 0x0150_0001;

  /** The ordinary index the counter's value is copied into. */
  static final int COPY = 0x0150_0002;

  private TpmServiceCrashWriter() {}

  /** Runs the writer; see the class comment. */
  public static void main(String[] args) throws Exception {
    long rounds = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
    PrintStream out = System.out;
    try (TpmService service =
        TpmService.builder().stateDirectory(Path.of(args[0])).keyFile(Path.of(args[1])).start()) {
      check(service, TpmCommandBuilder.command(TpmCc.STARTUP).params(w -> w.writeU16(0)));
      TpmState state = service.engine().state();
      define(service, state, COUNTER, TpmaNv.withType(0, TpmaNv.NT_COUNTER));
      define(service, state, COPY, TpmaNv.withType(0, TpmaNv.NT_ORDINARY));
      long start = value(state, COUNTER);
      if (value(state, COPY) != start) { // the last writer was killed between its two commands
        copy(service, start);
      }
      out.println("READY " + start);
      out.flush();
      for (long i = 0; i < rounds; i++) {
        check(service, owner(TpmCc.NV_INCREMENT, COUNTER));
        long k = value(state, COUNTER); // counter + 1 (the first increment may start higher)
        copy(service, k);
        out.println("ACK " + k);
        out.flush();
      }
    }
  }

  /**
   * The value of a counter or 8-octet index in a TPM's state: its big-endian UINT64, 0 when the
   * index is missing or not written yet.
   */
  static long value(TpmState state, int index) {
    Entity e = state.nvIndices().get(index);
    return e instanceof NvIndex nv && nv.isWritten() ? nv.readWord() : 0;
  }

  private static void copy(TpmService service, long k) {
    check(
        service,
        owner(TpmCc.NV_WRITE, COPY)
            .params(w -> w.write2B(new TpmWriter().writeU64(k).toByteArray()).writeU16(0)));
  }

  private static void define(TpmService service, TpmState state, int index, int type) {
    if (state.nvIndices().containsKey(index)) {
      return;
    }
    NvPublic pub =
        new NvPublic(
            index,
            HashAlgorithm.SHA256,
            type | TpmaNv.OWNERREAD | TpmaNv.OWNERWRITE | TpmaNv.NO_DA,
            new byte[0],
            NvIndex.WORD_SIZE);
    check(
        service,
        TpmCommandBuilder.command(TpmCc.NV_DEFINE_SPACE)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(
                w -> {
                  w.write2B(new byte[0]);
                  pub.write2B(w);
                }));
  }

  private static TpmCommandBuilder owner(int commandCode, int index) {
    return TpmCommandBuilder.command(commandCode)
        .handle(TpmHandle.RH_OWNER)
        .handle(index)
        .password();
  }

  private static void check(TpmService service, TpmCommandBuilder command) {
    int rc = TpmResponse.parse(service.tpm().execute(Locality.ZERO, command.build())).rc();
    if (rc != TpmRc.SUCCESS) {
      throw new IllegalStateException("command failed: " + TpmRc.describe(rc));
    }
  }
}
