package io.parasol.tpm.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.parasol.tpm.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer with SIGKILL at random points, hundreds of times, and checks after each kill that
 * the store holds a complete state that is either the last one the writer acknowledged or the one
 * it was saving: never a corrupt, partial or older one, and never one the store refuses.
 *
 * <p>Each round starts a {@link CrashTestWriter} in a fresh JVM (the same {@code java} binary as
 * this one), which opens the store, prints {@code READY}, then saves increasing states and prints
 * {@code ACK n} after each. This test kills it ({@link Process#destroyForcibly}) after a random
 * delay, either during its start-up and recovery (one round in ten) or while it saves, then opens
 * the store itself and checks what it finds. Start-up is the cost of a round, so the child runs
 * with C1 only, Serial GC, a minimal class path packed into a jar and, when the JVM can make one,
 * an AOT cache from a training run.
 *
 * <p>Rounds: system property {@code parasol.crashTest.rounds} (default 200); random seed: {@code
 * parasol.crashTest.seed} (default: time; printed, so a failing run can be repeated).
 */
class TpmStateStoreCrashTest {

  private static final int ROUNDS = Integer.getInteger("parasol.crashTest.rounds", 200);
  // Under a loaded machine a child JVM can take seconds to start: past this budget the test
  // stops early, after at least MIN_ROUNDS kills, rather than outliving its timeout.
  private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(150);
  private static final int MIN_ROUNDS = 25;

  /** The longest wait after READY: several saves (a save is 2–10 ms with its fsyncs). */
  private static final long MAX_SAVING_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  /** The longest wait for an early kill: about a child's start-up and recovery. */
  private static final long MAX_STARTUP_NANOS = TimeUnit.MILLISECONDS.toNanos(150);

  private static final int SIGKILL_EXIT = 128 + 9;

  @TempDir Path root;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyKillLeavesTheLastAcknowledgedStateOrTheNextOne() throws Exception {
    long started = System.nanoTime();
    long seed = Long.getLong("parasol.crashTest.seed", System.nanoTime());
    Random random = new Random(seed);
    Path stateDir = root.resolve("state");
    Path keyFile = root.resolve("keys/state.key");
    Path anchorFile = root.resolve("keys/anchor");
    Path childErr = root.resolve("child-stderr.log");
    KeyFileStateKeyProvider keys = KeyFileStateKeyProvider.createIfMissing(keyFile);

    List<String> java = childJava();
    String aotNote = trainAotCache(java, keyFile);
    List<String> command = new ArrayList<>(java);
    command.addAll(
        List.of(
            CrashTestWriter.class.getName(),
            stateDir.toString(),
            keyFile.toString(),
            anchorFile.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(childErr.toFile()));

    long expected = 0; // the sequence number of the state verified after the previous round
    int earlyKills = 0;
    int acks = 0;
    int foundUnacknowledged = 0;
    int temporariesLeft = 0;
    int anchorBehind = 0;
    long startupsNanos = 0;
    int startups = 0;
    int rounds = 0;
    for (int round = 0;
        round < ROUNDS && (round < MIN_ROUNDS || System.nanoTime() - started < BUDGET_NANOS);
        round++) {
      rounds++;
      boolean early = random.nextInt(10) == 0;
      long launched = System.nanoTime();
      Process child = builder.start();
      List<String> lines = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        if (early) {
          earlyKills++;
          Thread.sleep(Duration.ofNanos(random.nextLong(MAX_STARTUP_NANOS)));
        } else {
          String ready = out.readLine();
          if (ready == null) {
            fail("round " + round + ": the writer died before READY; " + ChildJvm.tail(childErr));
          }
          startupsNanos += System.nanoTime() - launched;
          startups++;
          lines.add(ready);
          Thread.sleep(Duration.ofNanos(random.nextLong(MAX_SAVING_NANOS)));
        }
        // SIGKILL through the process handle: Process.destroyForcibly would also close our end
        // of the pipe, losing the ACKs still in it.
        child.toHandle().destroyForcibly();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
          fail("round " + round + ": the writer did not die from SIGKILL");
        }
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      }
      if (child.exitValue() != SIGKILL_EXIT) {
        fail(
            "round %d: the writer exited with %d before it was killed; %s"
                .formatted(round, child.exitValue(), ChildJvm.tail(childErr)));
      }

      long lastAcknowledged = expected;
      for (String line : lines) {
        String[] words = line.split(" ");
        long n = Long.parseLong(words[1]);
        switch (words[0]) {
          case "READY" ->
              assertEquals(expected, n, "round " + round + ": the writer found another state");
          case "ACK" -> {
            assertEquals(lastAcknowledged + 1, n, "round " + round + ": out of order");
            lastAcknowledged = n;
            acks++;
          }
          default -> fail("round " + round + ": unexpected output " + line);
        }
      }

      temporariesLeft += countTemporaries(stateDir) + countTemporaries(anchorFile.getParent());
      long anchored = new AnchorFileCounter(anchorFile, keys).read();
      long found;
      try (TpmStateStore store =
          TpmStateStore.open(stateDir, keys, new AnchorFileCounter(anchorFile, keys))) {
        byte[] payload = store.load().orElse(null);
        found = payload == null ? 0 : CrashTestWriter.sequenceOf(payload);
        if (found != lastAcknowledged && found != lastAcknowledged + 1) {
          fail(
              "round %d: found state %d after the writer acknowledged %d"
                  .formatted(round, found, lastAcknowledged));
        }
        if (payload != null && !CrashTestWriter.isComplete(payload, found)) {
          fail("round %d: state %d is not the state the writer saved".formatted(round, found));
        }
        assertEquals(found, store.generation(), "one generation per save");
        if (store.generation() == anchored + 1) {
          anchorBehind++;
        }
      } catch (TpmStateException e) {
        throw new AssertionError(
            "round %d: the store refused what the writer left (last acknowledged %d)"
                .formatted(round, lastAcknowledged),
            e);
      }
      assertEquals(0, countTemporaries(stateDir), "open removes temporary files");
      if (found == lastAcknowledged + 1) {
        foundUnacknowledged++;
      }
      expected = found;
    }

    assertTrue(acks > 0, "the writers saved nothing: the test tested nothing");
    System.out.printf(
        "crash test: %d rounds (%d killed during start-up) in %.1f s, seed %d; %d saves"
            + " acknowledged, final state %d; after a kill: %d times the unacknowledged next"
            + " state, %d times the anchor one behind, %d temporary files cleaned; writer"
            + " start-up to READY %.0f ms on average (%s)%n",
        rounds,
        earlyKills,
        (System.nanoTime() - started) / 1e9,
        seed,
        acks,
        expected,
        foundUnacknowledged,
        anchorBehind,
        temporariesLeft,
        startups == 0 ? 0.0 : startupsNanos / 1e6 / startups,
        aotNote);
  }

  /**
   * The child's command up to the main class: the state package packed into a jar (which the AOT
   * cache needs), Protobuf and the SLF4J API.
   */
  private List<String> childJava() throws IOException, URISyntaxException {
    Path jar = root.resolve("crash-writer.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Class<?> c : List.of(TpmStateStore.class, CrashTestWriter.class)) {
        Path location = ChildJvm.codeSource(c);
        if (Files.isDirectory(location)) {
          packStatePackage(location, out);
        }
      }
    }
    return ChildJvm.command(
        jar,
        List.of(
            TpmStateStore.class,
            CrashTestWriter.class,
            com.google.protobuf.Message.class,
            org.slf4j.Logger.class));
  }

  /**
   * Runs the writer once to completion with {@code -XX:AOTCacheOutput} (JEP 514) and, if that
   * produced a cache, adds {@code -XX:AOTCache} to {@code java}: it roughly halves start-up.
   *
   * @return what happened, for the summary line
   */
  private String trainAotCache(List<String> java, Path keyFile) throws Exception {
    return ChildJvm.trainAotCache(
        java,
        root.resolve("crash-writer.aot"),
        root.resolve("aot-training.log"),
        List.of(
            CrashTestWriter.class.getName(),
            root.resolve("training/state").toString(),
            keyFile.toString(),
            root.resolve("training/anchor").toString(),
            "50"));
  }

  private static void packStatePackage(Path classes, JarOutputStream out) throws IOException {
    Path statePackage = classes.resolve("io/parasol/tpm/state");
    try (Stream<Path> files = Files.walk(statePackage)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  private static int countTemporaries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return (int) files.filter(f -> f.getFileName().toString().contains(".tmp-")).count();
    }
  }
}
