package io.parasol.tpm.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Measures {@link TpmStateStore#save} of a 64 KiB payload, fsyncs included, with the rollback
 * anchor file and with an in-memory counter (what a save costs without the anchor's second atomic
 * replace). A benchmark, not a test: it prints figures and asserts nothing.
 *
 * <p>Run from the module directory after {@code mvn test-compile}:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     io.parasol.tpm.state.SaveLatencyBenchmark [directory on the disk to measure] [saves]
 * </pre>
 *
 * where {@code cp.txt} comes from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
public final class SaveLatencyBenchmark {

  private SaveLatencyBenchmark() {}

  /** Arguments: [directory] [saves per configuration, default 300]. */
  public static void main(String[] args) throws Exception {
    Path base =
        args.length > 0
            ? Files.createTempDirectory(Path.of(args[0]), "save-latency-")
            : Files.createTempDirectory("save-latency-");
    int saves = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    byte[] payload = new byte[64 * 1024];
    new Random(1).nextBytes(payload);
    KeyFileStateKeyProvider keys = KeyFileStateKeyProvider.createIfMissing(base.resolve("key"));
    StateKeyDerivation derivation = StateKeyDerivation.of(keys.stateKey());
    byte[] nonce = new byte[SealedStateFormat.NONCE_BYTES];
    // Interleaved, so that both configurations see the same load from other processes.
    try (TpmStateStore withAnchor =
            TpmStateStore.open(
                base.resolve("a"), keys, new AnchorFileCounter(base.resolve("a-anchor"), keys));
        TpmStateStore inMemory =
            TpmStateStore.open(base.resolve("b"), keys, new TpmStateStoreTest.MemoryCounter())) {
      for (int i = 0; i < 50; i++) {
        withAnchor.save(payload);
        inMemory.save(payload);
        SealedStateFormat.seal(derivation, i + 1, nonce, payload);
      }
      long[] anchorNanos = new long[saves];
      long[] memoryNanos = new long[saves];
      long[] sealNanos = new long[saves];
      for (int i = 0; i < saves; i++) {
        payload[0] = (byte) i;
        long start = System.nanoTime();
        withAnchor.save(payload);
        long middle = System.nanoTime();
        inMemory.save(payload);
        long end = System.nanoTime();
        SealedStateFormat.seal(derivation, i + 100, nonce, payload);
        sealNanos[i] = System.nanoTime() - end;
        anchorNanos[i] = middle - start;
        memoryNanos[i] = end - middle;
      }
      print("save, rollback anchor file", anchorNanos);
      print("save, in-memory counter", memoryNanos);
      print("seal only (HKDF + AES-GCM)", sealNanos);
    }
    System.out.println("(64 KiB payload, " + saves + " saves each, in " + base + ")");
  }

  private static void print(String name, long[] nanos) {
    Arrays.sort(nanos);
    int n = nanos.length;
    System.out.printf(
        "%-28s median %6.2f ms, p90 %6.2f ms, p99 %6.2f ms, mean %6.2f ms%n",
        name,
        nanos[n / 2] / 1e6,
        nanos[n * 9 / 10] / 1e6,
        nanos[n * 99 / 100] / 1e6,
        Arrays.stream(nanos).average().orElse(0) / 1e6);
  }
}
