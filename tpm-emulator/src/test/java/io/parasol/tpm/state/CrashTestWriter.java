package io.parasol.tpm.state;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The child process of {@link TpmStateStoreCrashTest}: opens the store, prints {@code READY n} with
 * the sequence number of the state it found, then saves states n+1, n+2, … for ever, printing
 * {@code ACK k} after each {@link TpmStateStore#save} returns, until it is killed.
 *
 * <p>Arguments: state directory, key file, anchor file[, number of saves then exit normally].
 */
public final class CrashTestWriter {

  private CrashTestWriter() {}

  /** Runs the writer; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    KeyFileStateKeyProvider keys = KeyFileStateKeyProvider.existing(Path.of(args[1]));
    long saves = args.length > 3 ? Long.parseLong(args[3]) : Long.MAX_VALUE;
    PrintStream out = System.out;
    try (TpmStateStore store =
        TpmStateStore.open(directory, keys, new AnchorFileCounter(Path.of(args[2]), keys))) {
      long sequence = store.load().map(CrashTestWriter::sequenceOf).orElse(0L);
      out.println("READY " + sequence);
      out.flush();
      for (long i = 0; i < saves; i++) {
        sequence++;
        store.save(payload(sequence));
        out.println("ACK " + sequence);
        out.flush();
      }
    }
  }

  /**
   * The payload of state {@code sequence}: the sequence number, then bytes from a generator seeded
   * with it; between 1 KiB and 65 KiB long, so that consecutive states differ in size and a state
   * cut short or mixed with its predecessor does not match.
   */
  static byte[] payload(long sequence) {
    int sizeBytes = 1024 + (int) Math.floorMod(sequence * 7919L, 64 * 1024L);
    byte[] payload = new byte[sizeBytes];
    new SplittableRandom(sequence).nextBytes(payload);
    ByteBuffer.wrap(payload).putLong(sequence);
    return payload;
  }

  /** The sequence number a payload starts with. */
  static long sequenceOf(byte[] payload) {
    return ByteBuffer.wrap(payload).getLong();
  }

  /** Whether {@code payload} is exactly state {@code sequence}. */
  static boolean isComplete(byte[] payload, long sequence) {
    return Arrays.equals(payload, payload(sequence));
  }
}
