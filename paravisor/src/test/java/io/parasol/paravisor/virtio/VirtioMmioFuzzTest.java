package io.parasol.paravisor.virtio;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A malicious driver against a virtio-mmio device (see {@link VirtioMmioFuzzDriver}). In every
 * build Jazzer runs the regression inputs in {@code
 * src/test/resources/io/parasol/paravisor/virtio/VirtioMmioFuzzTestInputs/driveDevice/} ({@code
 * seed-driver-init} is a whole §3.1.1 initialisation, a request and its interrupt, then a
 * configuration change), and {@link #seededRandomInputs} runs random mutations of it. Fuzzing mode
 * as for {@code ChipsetFuzzTest} ({@code -Dtest=VirtioMmioFuzzTest}).
 */
class VirtioMmioFuzzTest {
  private static final Logger ROOT = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private static Level savedLevel;

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
  void driveDevice(byte[] input) {
    VirtioMmioFuzzDriver.run(input);
  }

  private static byte[] seed() throws IOException {
    try (InputStream in =
        VirtioMmioFuzzTest.class.getResourceAsStream(
            "VirtioMmioFuzzTestInputs/driveDevice/seed-driver-init")) {
      return in.readAllBytes();
    }
  }

  @Test
  void theSeedIsADriverThatGetsBothItsInterrupts() throws IOException {
    // The used buffer raises the line; the driver acknowledges it; a configuration change raises
    // it again.
    org.junit.jupiter.api.Assertions.assertEquals(2, VirtioMmioFuzzDriver.run(seed()));
  }

  @Test
  void seededRandomInputs() throws IOException {
    byte[] seed = seed();
    int count = Integer.getInteger("parasol.fuzz.randomInputs", 300);
    for (long s = 0; s < count; s++) {
      Random random = new Random(s);
      byte[] input = mutate(seed, random);
      try {
        VirtioMmioFuzzDriver.run(input);
      } catch (RuntimeException | AssertionError e) {
        Path dir = Path.of("target", "virtio-mmio-fuzz-failures");
        Files.createDirectories(dir);
        Path file = dir.resolve("random-seed-" + s);
        Files.write(file, input);
        throw new AssertionError("random input of seed " + s + " failed; saved as " + file, e);
      }
    }
  }

  /**
   * The seed with bytes changed, random operations spliced in and pieces cut, as a fuzzer would.
   */
  private static byte[] mutate(byte[] seed, Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] copy = seed.clone();
    for (int i = 0, n = random.nextInt(8); i < n; i++) {
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
    }
    int cut = random.nextInt(copy.length);
    out.write(copy, 0, cut);
    byte[] noise = new byte[random.nextInt(400)];
    random.nextBytes(noise);
    out.write(noise, 0, noise.length);
    if (random.nextBoolean()) {
      out.write(copy, cut, copy.length - cut);
    }
    return out.toByteArray();
  }
}
