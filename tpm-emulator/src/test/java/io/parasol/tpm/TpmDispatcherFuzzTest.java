package io.parasol.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher under fuzzing: any bytes, at any locality, in any order, get a well-formed TPM
 * response, nothing escapes, and the state stays saveable and restorable ({@link TpmFuzzDriver}
 * says exactly what fails an input).
 *
 * <p>In every build, Jazzer runs the regression inputs in {@code
 * src/test/resources/io/parasol/tpm/TpmDispatcherFuzzTestInputs/executeCommands/}: the seeds of
 * {@link TpmDispatcherFuzzSeeds} (valid command programs) and each failing input found since. To
 * fuzz for {@code maxDuration} (5 min; Jazzer 0.24 takes it only from the annotation):
 *
 * <pre>{@code
 * rm -rf tpm-emulator/target/classes tpm-emulator/target/test-classes tpm-emulator/target/maven-status
 * JAZZER_FUZZ=1 mvn -B -pl tpm-emulator test -Dmaven.compiler.release=23 \
 *     -Dtest=TpmDispatcherFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * rm -rf tpm-emulator/target/classes tpm-emulator/target/test-classes   # back to release 25
 * }</pre>
 *
 * <p>DEVNOTE: Jazzer 0.24.0 bundles an ASM that reads class files up to Java 23 (major 67); classes
 * compiled for 25 are not instrumented (harmless in regression mode, blind in fuzzing mode), hence
 * the release-23 build above, as for the paravisor's {@code ChipsetFuzzTest}. Stopping a fuzzing
 * run with a signal leaves a {@code crash-*} file in the inputs directory: delete it.
 *
 * <p>{@link #seededRandomInputs} runs the driver on random and mutated inputs from fixed seeds, so
 * the build fuzzes a little even where Jazzer's fuzzing mode cannot run; more with {@code
 * -Dparasol.fuzz.randomInputs=N}. A failing input is written to {@code target/tpm-fuzz-failures/},
 * ready to become a regression input.
 */
class TpmDispatcherFuzzTest {
  private static final Logger ROOT = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private static Level savedLevel;

  // Commands that fail are logged by nobody, but a bug answered with TPM_RC_FAILURE is logged at
  // ERROR with its stack trace: keep ERROR on so a finding shows where it happened.
  @BeforeAll
  static void quietLogs() {
    savedLevel = ROOT.getLevel();
    ROOT.setLevel(Level.ERROR);
  }

  @AfterAll
  static void restoreLogs() {
    ROOT.setLevel(savedLevel);
  }

  @FuzzTest(maxDuration = "5m")
  void executeCommands(byte[] input) {
    TpmFuzzDriver.run(input);
  }

  @Test
  void seedsAreTheCommittedValidPrograms() throws IOException {
    for (Map.Entry<String, byte[]> seed : TpmDispatcherFuzzSeeds.all().entrySet()) {
      byte[] committed = regressionInput("seed-" + seed.getKey());
      assertArrayEquals(
          seed.getValue(),
          committed,
          "seed-" + seed.getKey() + " differs from TpmDispatcherFuzzSeeds: run its main");
      List<Integer> codes = TpmFuzzDriver.run(committed).responseCodes();
      assertTrue(codes.size() > 3, seed.getKey() + " ran " + codes.size() + " commands");
      for (int i = 0; i < codes.size(); i++) {
        assertEquals(
            TpmRc.describe(TpmRc.SUCCESS),
            TpmRc.describe(codes.get(i)),
            seed.getKey() + " command " + i + " is a valid command");
      }
    }
  }

  @Test
  void theDriverCatchesAMalformedResponse() {
    // The checks can fail: a short response, a wrong size, an error with a body, a bad tag.
    byte[] command = {(byte) 0x80, 1, 0, 0, 0, 10, 0, 0, 1, 0x7B};
    assertThrows(AssertionError.class, () -> TpmFuzzDriver.check(command, new byte[9]));
    assertThrows(
        AssertionError.class,
        () -> TpmFuzzDriver.check(command, new byte[] {(byte) 0x80, 1, 0, 0, 0, 11, 0, 0, 0, 0}));
    assertThrows(
        AssertionError.class,
        () ->
            TpmFuzzDriver.check(
                command, new byte[] {(byte) 0x80, 1, 0, 0, 0, 11, 0, 0, 1, 0x01, 0}));
    assertThrows(
        AssertionError.class,
        () -> TpmFuzzDriver.check(command, new byte[] {0, 1, 0, 0, 0, 10, 0, 0, 0, 0}));
    assertEquals(
        TpmRc.SUCCESS,
        TpmFuzzDriver.check(command, new byte[] {(byte) 0x80, 1, 0, 0, 0, 10, 0, 0, 0, 0}));
    // And an empty command gets a well-formed error.
    assertEquals(1, TpmFuzzDriver.run(new byte[] {0, 0, 0}).responseCodes().size());
  }

  @Test
  void seededRandomInputs() throws IOException {
    int count = Integer.getInteger("parasol.fuzz.randomInputs", 300);
    long firstSeed = Long.getLong("parasol.fuzz.firstSeed", 0);
    List<byte[]> seeds = new ArrayList<>(TpmDispatcherFuzzSeeds.all().values());
    for (long seed = firstSeed; seed < firstSeed + count; seed++) {
      Random random = new Random(seed);
      byte[] input = random.nextBoolean() ? mutate(random, seeds) : randomFrames(random);
      try {
        TpmFuzzDriver.run(input);
      } catch (RuntimeException | AssertionError e) {
        Path dir = Path.of("target", "tpm-fuzz-failures");
        Files.createDirectories(dir);
        Path file = dir.resolve("random-seed-" + seed);
        Files.write(file, input);
        throw new AssertionError("random input of seed " + seed + " failed; saved as " + file, e);
      }
    }
  }

  /** Frames of random commands whose headers are often right, so they get past the first check. */
  private static byte[] randomFrames(Random random) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(new TpmDispatcherFuzzSeeds.Program().bytes()); // a Startup first
    int frames = 1 + random.nextInt(12);
    int[] codes = {
      TpmCc.GET_RANDOM,
      TpmCc.PCR_EXTEND,
      TpmCc.PCR_READ,
      TpmCc.GET_CAPABILITY,
      TpmCc.HASH,
      TpmCc.START_AUTH_SESSION,
      TpmCc.FLUSH_CONTEXT,
      TpmCc.HIERARCHY_CHANGE_AUTH,
      TpmCc.SEQUENCE_UPDATE,
      TpmCc.SHUTDOWN,
      TpmCc.STARTUP,
      TpmCc.CLEAR,
      TpmCc.CREATE_PRIMARY,
      TpmCc.NV_DEFINE_SPACE,
      TpmCc.CONTEXT_SAVE,
      TpmCc.POLICY_PCR
    };
    for (int f = 0; f < frames; f++) {
      int bodyBytes = random.nextInt(80);
      byte[] command = new byte[10 + bodyBytes];
      random.nextBytes(command);
      boolean sessions = random.nextBoolean();
      command[0] = (byte) 0x80;
      command[1] = (byte) (sessions ? 0x02 : 0x01);
      if (random.nextInt(8) != 0) {
        java.nio.ByteBuffer.wrap(command, 2, 4).putInt(command.length);
      }
      java.nio.ByteBuffer.wrap(command, 6, 4).putInt(codes[random.nextInt(codes.length)]);
      out.write(random.nextInt(8));
      out.write(command.length >>> 8);
      out.write(command.length);
      out.writeBytes(command);
    }
    return out.toByteArray();
  }

  /** A seed with bytes changed, pieces of other seeds spliced in, or a piece cut out. */
  private static byte[] mutate(Random random, List<byte[]> seeds) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(seeds.get(random.nextInt(seeds.size())));
    for (int i = random.nextInt(3); i > 0; i--) {
      byte[] other = seeds.get(random.nextInt(seeds.size()));
      int from = random.nextInt(other.length);
      out.write(other, from, Math.min(other.length - from, 1 + random.nextInt(48)));
    }
    byte[] input = out.toByteArray();
    for (int i = random.nextInt(1 + input.length / 12); i > 0; i--) {
      int at = random.nextInt(input.length);
      input[at] =
          switch (random.nextInt(4)) {
            case 0 -> (byte) random.nextInt(256);
            case 1 -> (byte) (input[at] ^ (1 << random.nextInt(8)));
            case 2 -> (byte) (input[at] + random.nextInt(5) - 2);
            default -> (byte) (random.nextBoolean() ? 0 : 0xFF);
          };
    }
    return input;
  }

  private static byte[] regressionInput(String name) throws IOException {
    String resource = "TpmDispatcherFuzzTestInputs/executeCommands/" + name;
    try (InputStream in = TpmDispatcherFuzzTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("regression input " + resource + " is missing");
      }
      return in.readAllBytes();
    }
  }
}
