package io.parasol.paravisor.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.PortIoDevice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Device register fuzzing through the bus: every chipset device of {@link PcChipset}, through the
 * regions it declared, with random widths, offsets, values, time and interrupt traffic (see {@link
 * ChipsetFuzzDriver} for the input format and what counts as a failure).
 *
 * <p>In every build, Jazzer runs the regression inputs in {@code
 * src/test/resources/io/parasol/paravisor/vm/ChipsetFuzzTestInputs/driveEveryRegion/} (the seeds of
 * {@link ChipsetFuzzSeeds} and each crash found since). To fuzz for {@code maxDuration} (5 min;
 * Jazzer 0.24 takes it only from the annotation):
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests -pl paravisor -am   # dependencies, at release 25
 * rm -rf paravisor/target/classes paravisor/target/test-classes paravisor/target/maven-status
 * JAZZER_FUZZ=1 mvn -B -pl paravisor test -Dmaven.compiler.release=23 \
 *     -Dtest=ChipsetFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     "-Dparasol.jvm.args=--enable-native-access=ALL-UNNAMED -Xmx2g"
 * rm -rf paravisor/target/classes paravisor/target/test-classes   # back to release 25
 * }</pre>
 *
 * <p>DEVNOTE: Jazzer 0.24.0 bundles an ASM that reads class files up to major version 67 (Java 23).
 * Classes compiled for 25 are not instrumented ("Unsupported class file major version 69", harmless
 * in regression mode), so fuzzing mode runs blind ("no interesting inputs ... Is the code
 * instrumented for coverage?"). Compiling the paravisor module for release 23 gives it coverage.
 * Stopping a fuzzing run with a signal makes libFuzzer write a {@code crash-*} file into the inputs
 * directory ("fuzz target exited"): delete it, it is not a finding.
 *
 * <p>{@link #seededRandomInputs} runs the same driver on random inputs from fixed seeds, so a bug
 * the regression corpus misses can still be found where Jazzer's fuzzing mode cannot run; more with
 * {@code -Dparasol.fuzz.randomInputs=N}. A failing random input is written to {@code
 * target/chipset-fuzz-failures/}, ready to be added to the regression inputs.
 */
class ChipsetFuzzTest {
  private static final Logger ROOT = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private static Level savedLevel;

  // Millions of accesses: a refused access is logged at WARN (rate-limited), the debug console at
  // INFO. Device faults are logged at ERROR, which stays on, so a failure shows its stack trace.
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
  void driveEveryRegion(byte[] input) {
    ChipsetFuzzDriver.run(input);
  }

  @Test
  void seededRandomInputs() throws IOException {
    int count = Integer.getInteger("parasol.fuzz.randomInputs", 300);
    long firstSeed = Long.getLong("parasol.fuzz.firstSeed", 0);
    for (long seed = firstSeed; seed < firstSeed + count; seed++) {
      byte[] input = randomInput(new Random(seed));
      try {
        ChipsetFuzzDriver.run(input);
      } catch (RuntimeException | AssertionError e) {
        Path dir = Path.of("target", "chipset-fuzz-failures");
        Files.createDirectories(dir);
        Path file = dir.resolve("random-seed-" + seed);
        Files.write(file, input);
        throw new AssertionError("random input of seed " + seed + " failed; saved as " + file, e);
      }
    }
  }

  /**
   * A random input: half the time random bytes (offsets biased small, where the registers are),
   * half the time a seed mutated as a fuzzer would (bytes changed, operations spliced in from other
   * seeds, pieces cut), so that random traffic starts from initialised devices.
   */
  static byte[] randomInput(Random random) {
    if (random.nextBoolean()) {
      return mutatedSeed(random);
    }
    int length = 8 + random.nextInt(ChipsetFuzzDriver.MAX_OPERATIONS * 8);
    byte[] input = new byte[length];
    random.nextBytes(input);
    for (int i = 8; i + 5 < length; i += 1 + random.nextInt(12)) {
      if (random.nextInt(3) == 0) {
        input[i + 3] = 0;
        input[i + 4] = 0;
        input[i + 5] = 0;
      }
    }
    return input;
  }

  private static final List<byte[]> SEEDS = List.copyOf(ChipsetFuzzSeeds.all().values());

  private static byte[] mutatedSeed(Random random) {
    byte[] seed = SEEDS.get(random.nextInt(SEEDS.size()));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(seed, 0, seed.length);
    int splices = random.nextInt(4);
    for (int i = 0; i < splices; i++) {
      byte[] other = SEEDS.get(random.nextInt(SEEDS.size()));
      int from = 8 + random.nextInt(other.length - 8);
      int length = Math.min(other.length - from, 1 + random.nextInt(64));
      out.write(other, from, length);
    }
    byte[] input = out.toByteArray();
    int flips = random.nextInt(1 + input.length / 16);
    for (int i = 0; i < flips; i++) {
      int at = random.nextInt(input.length);
      input[at] =
          switch (random.nextInt(4)) {
            case 0 -> (byte) random.nextInt(256);
            case 1 -> (byte) (input[at] ^ (1 << random.nextInt(8)));
            case 2 -> (byte) (input[at] + random.nextInt(5) - 2);
            default -> (byte) (random.nextBoolean() ? 0 : 0xFF);
          };
    }
    if (random.nextInt(4) == 0) {
      // Cut a piece out: later operations shift, operands become opcodes.
      int from = 8 + random.nextInt(input.length - 8);
      int length = random.nextInt(Math.min(16, input.length - from) + 1);
      byte[] cut = new byte[input.length - length];
      System.arraycopy(input, 0, cut, 0, from);
      System.arraycopy(input, from + length, cut, from, input.length - from - length);
      input = cut;
    }
    return input;
  }

  @Test
  void seedCorpusReachesEveryRegion() throws IOException {
    Set<String> reached = new TreeSet<>();
    Map<String, byte[]> seeds = ChipsetFuzzSeeds.all();
    for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
      byte[] committed = regressionInput("seed-" + seed.getKey());
      assertTrue(
          Arrays.equals(seed.getValue(), committed),
          "seed-" + seed.getKey() + " differs from ChipsetFuzzSeeds: run its main to rewrite it");
      ChipsetFuzzDriver.Report report = ChipsetFuzzDriver.run(committed);
      assertTrue(report.operations() > 10, seed.getKey() + " ran " + report.operations());
      reached.addAll(report.regionsAccessed());
    }
    List<IoRegion> regions = new ArrayList<>(ChipsetFuzzSeeds.chipsetBus().portRegions());
    regions.addAll(ChipsetFuzzSeeds.chipsetBus().mmioRegions());
    Set<String> all = new TreeSet<>();
    regions.forEach(r -> all.add(r.name()));
    assertEquals(all, reached, "regions the seeds reach");
  }

  @Test
  void seedsReachInterruptsTimersAndTheSerialBackend() throws IOException {
    ChipsetFuzzDriver.Report ioApic =
        ChipsetFuzzDriver.run(regressionInput("seed-ioapic-route-and-eoi"));
    assertTrue(ioApic.msis() > 0, "the IOAPIC seed delivers MSIs");
    ChipsetFuzzDriver.Report pic = ChipsetFuzzDriver.run(regressionInput("seed-pic-init-ack-eoi"));
    assertTrue(pic.extIntChanges() > 0, "the PIC seed raises INTR");
    ChipsetFuzzDriver.Report uart =
        ChipsetFuzzDriver.run(regressionInput("seed-uart-3f8-fifo-and-interrupts"));
    assertTrue(uart.com1Output().startsWith("hello\r\n"), uart.com1Output());
    ChipsetFuzzDriver.Report pm =
        ChipsetFuzzDriver.run(regressionInput("seed-acpi-pm-timer-and-sleep"));
    assertEquals(ChipsetFuzzDriver.MAX_TOTAL_ADVANCE_NANOS, pm.advancedNanos(), "time is capped");
  }

  @Test
  void aDeviceThatThrowsFailsTheInput() {
    // The bus contains a device's exception; only the driver's deviceFaults check can fail the
    // input. Prove it can, with an extra device that throws on every access.
    PortIoDevice broken =
        new PortIoDevice() {
          @Override
          public List<IoRegion> portRegions() {
            return List.of(new IoRegion("broken", 0x510, 1));
          }

          @Override
          public IoStatus readPort(IoRegion region, int offset, IoData data) {
            throw new IllegalStateException("broken device");
          }

          @Override
          public IoStatus writePort(IoRegion region, int offset, IoData data) {
            throw new IllegalStateException("broken device");
          }
        };
    byte[] input = new byte[8 + 6 * 64];
    for (int region = 0; region < 64; region++) {
      input[8 + 6 * region] = 0x00; // a byte read at offset 0
      input[9 + 6 * region] = (byte) region; // of each region in turn, the broken one among them
    }
    AssertionError e =
        assertThrows(
            AssertionError.class, () -> ChipsetFuzzDriver.run(input, bus -> bus.register(broken)));
    assertTrue(e.getMessage().contains("faulted"), e.getMessage());
    assertEquals(0, ChipsetFuzzDriver.run(new byte[0]).operations(), "an empty input does nothing");
  }

  private static byte[] regressionInput(String name) throws IOException {
    try (InputStream in =
        ChipsetFuzzTest.class.getResourceAsStream(
            "ChipsetFuzzTestInputs/driveEveryRegion/" + name)) {
      if (in == null) {
        throw new IOException("no regression input " + name);
      }
      return in.readAllBytes();
    }
  }
}
