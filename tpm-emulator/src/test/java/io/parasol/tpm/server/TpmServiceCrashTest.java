package io.parasol.tpm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.parasol.tpm.ChildJvm;
import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.state.AnchorFileCounter;
import io.parasol.tpm.state.KeyFileStateKeyProvider;
import io.parasol.tpm.state.TpmStateException;
import io.parasol.tpm.state.TpmStateStore;
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
 * The served vTPM under SIGKILL: a {@link TpmServiceCrashWriter} (engine, persistence listener,
 * sealed store, as {@code parasol tpm serve} wires them) changes persistent state command after
 * command and is killed at a random moment, hundreds of times. The changes are NV writes: an
 * NV_Increment of a counter index, then an NV_Write of its value into an ordinary index. After each
 * kill the state must open (never corrupt, never refused) and hold the last change the writer
 * acknowledged, or the one it was making: a response is sent only after its state is durable.
 *
 * <p>Rounds: {@code parasol.serviceCrashTest.rounds} (default 200); seed: {@code
 * parasol.serviceCrashTest.seed} (default: time, printed). The child starts fast as in {@code
 * TpmStateStoreCrashTest}: C1 only, Serial GC, a jar and an AOT cache from a training run.
 */
class TpmServiceCrashTest {
  private static final int ROUNDS = Integer.getInteger("parasol.serviceCrashTest.rounds", 200);
  // Under a loaded machine a child JVM can take seconds to start: past this budget the test
  // stops early, after at least MIN_ROUNDS kills, rather than outliving its timeout.
  private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(150);
  private static final int MIN_ROUNDS = 25;
  private static final long MAX_RUNNING_NANOS = TimeUnit.MILLISECONDS.toNanos(40);
  private static final int SIGKILL_EXIT = 128 + 9;

  @TempDir Path root;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyKillLeavesTheLastAcknowledgedChangeOrTheNext() throws Exception {
    long started = System.nanoTime();
    long seed = Long.getLong("parasol.serviceCrashTest.seed", System.nanoTime());
    Random random = new Random(seed);
    Path stateDir = root.resolve("vtpm");
    Path keyFile = TpmService.defaultKeyFile(stateDir);
    Path childErr = root.resolve("child-stderr.log");
    KeyFileStateKeyProvider keys = KeyFileStateKeyProvider.createIfMissing(keyFile);

    List<String> java = childJava();
    String aotNote = trainAotCache(java);
    List<String> command = new ArrayList<>(java);
    command.addAll(
        List.of(TpmServiceCrashWriter.class.getName(), stateDir.toString(), keyFile.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(childErr.toFile()));

    long expected = -1; // the counter found after the previous round; -1 before the first
    int acks = 0;
    int unacknowledgedFound = 0;
    int rounds = 0;
    for (int round = 0;
        round < ROUNDS && (round < MIN_ROUNDS || System.nanoTime() - started < BUDGET_NANOS);
        round++) {
      rounds++;
      Process child = builder.start();
      List<String> lines = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        String ready = out.readLine();
        if (ready == null) {
          fail("round " + round + ": the writer died before READY; " + ChildJvm.tail(childErr));
        }
        lines.add(ready);
        Thread.sleep(Duration.ofNanos(random.nextLong(MAX_RUNNING_NANOS)));
        child.toHandle().destroyForcibly(); // SIGKILL; keep our end of the pipe
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
          fail("round " + round + ": the writer did not die from SIGKILL");
        }
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      }
      assertEquals(
          SIGKILL_EXIT, child.exitValue(), "round " + round + ": " + ChildJvm.tail(childErr));
      long lastAcknowledged = -1;
      for (String line : lines) {
        String[] words = line.split(" ");
        long n = Long.parseLong(words[1]);
        if (words[0].equals("READY")) {
          if (expected >= 0) {
            assertEquals(expected, n, "round " + round + ": the writer found another state");
          }
          lastAcknowledged = n;
        } else {
          assertEquals(lastAcknowledged + 1, n, "round " + round + ": out of order");
          lastAcknowledged = n;
          acks++;
        }
      }
      long found;
      long copy;
      try (TpmStateStore store =
          TpmStateStore.open(
              stateDir, keys, new AnchorFileCounter(TpmService.anchorFileFor(keyFile), keys))) {
        byte[] payload = store.load().orElseThrow();
        TpmState restored = Tpm.restore(payload).state();
        found = TpmServiceCrashWriter.value(restored, TpmServiceCrashWriter.COUNTER);
        copy = TpmServiceCrashWriter.value(restored, TpmServiceCrashWriter.COPY);
      } catch (TpmStateException e) {
        throw new AssertionError(
            "round %d: the state was refused after a kill (last acknowledged %d)"
                .formatted(round, lastAcknowledged),
            e);
      }
      if (found != lastAcknowledged && found != lastAcknowledged + 1) {
        fail(
            "round %d: found counter %d after the writer acknowledged %d"
                .formatted(round, found, lastAcknowledged));
      }
      // The copy follows the counter: equal, or one behind when the kill came between the
      // increment and the write (never behind an acknowledged value).
      if (copy != found && !(copy == found - 1 && found == lastAcknowledged + 1)) {
        fail(
            "round %d: found copy %d beside counter %d (acknowledged %d)"
                .formatted(round, copy, found, lastAcknowledged));
      }
      if (found == lastAcknowledged + 1) {
        unacknowledgedFound++;
      }
      expected = found;
    }
    assertTrue(acks > 0, "the writers changed nothing: the test tested nothing");
    System.out.printf(
        "service crash test: %d rounds in %.1f s, seed %d; %d changes acknowledged, %d times the"
            + " unacknowledged next one found (%s)%n",
        rounds, (System.nanoTime() - started) / 1e9, seed, acks, unacknowledgedFound, aotNote);
  }

  /**
   * The writer's command up to its main class: the TPM classes packed into a jar, then libraries.
   */
  private List<String> childJava() throws IOException, URISyntaxException {
    Path jar = root.resolve("service-writer.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      List<String> written = new ArrayList<>();
      for (Class<?> c : List.of(Tpm.class, TpmServiceCrashWriter.class)) {
        Path location = ChildJvm.codeSource(c);
        if (Files.isDirectory(location)) {
          pack(location, out, written);
        }
      }
    }
    return ChildJvm.command(
        jar,
        List.of(
            Tpm.class,
            com.google.protobuf.Message.class,
            org.slf4j.Logger.class,
            org.bouncycastle.crypto.Digest.class));
  }

  /** A training run with {@code -XX:AOTCacheOutput} (JEP 514); uses the cache if one was made. */
  private String trainAotCache(List<String> java) throws Exception {
    Path trainingState = root.resolve("training/vtpm");
    return ChildJvm.trainAotCache(
        java,
        root.resolve("service-writer.aot"),
        root.resolve("aot-training.log"),
        List.of(
            TpmServiceCrashWriter.class.getName(),
            trainingState.toString(),
            TpmService.defaultKeyFile(trainingState).toString(),
            "20"));
  }

  private static void pack(Path classes, JarOutputStream out, List<String> written)
      throws IOException {
    Path tpm = classes.resolve("io/parasol/tpm");
    try (Stream<Path> files = Files.walk(tpm)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String name = classes.relativize(file).toString().replace('\\', '/');
        if (!name.endsWith(".class") || written.contains(name)) {
          continue;
        }
        if (classes.toString().contains("test-classes")
            && !name.startsWith("io/parasol/tpm/server/TpmServiceCrashWriter")
            && !name.startsWith("io/parasol/tpm/TpmCommandBuilder")
            && !name.startsWith("io/parasol/tpm/TpmResponse")) {
          continue;
        }
        written.add(name);
        out.putNextEntry(new JarEntry(name));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }
}
