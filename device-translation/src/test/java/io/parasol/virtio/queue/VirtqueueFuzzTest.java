package io.parasol.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.code_intelligence.jazzer.junit.FuzzTest;
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
 * The virtqueue under fuzzing ({@link VirtqueueFuzzDriver} says what fails an input).
 *
 * <p>In every build Jazzer runs the regression inputs in {@code
 * src/test/resources/io/parasol/virtio/queue/VirtqueueFuzzTestInputs/ringOperations/}: seeds that
 * exercise each ring format with valid traffic and with the malicious-driver cases, and each
 * failing input found since. To fuzz for five minutes (Jazzer 0.24 instruments class files up to
 * Java 23, hence the release-23 build, as for tpm-emulator's TpmDispatcherFuzzTest):
 *
 * <pre>{@code
 * rm -rf device-translation/target/classes device-translation/target/test-classes
 * JAZZER_FUZZ=1 mvn -B -pl device-translation -am test -Dmaven.compiler.release=23 \
 *     -Dtest=VirtqueueFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * rm -rf device-translation/target/classes device-translation/target/test-classes
 * }</pre>
 *
 * <p>{@link #seededRandomInputs} runs random programs from fixed seeds in every build; a failing
 * one is saved under {@code target/virtqueue-fuzz-failures/}, ready to become a regression input.
 */
class VirtqueueFuzzTest {
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
  void ringOperations(byte[] input) {
    VirtqueueFuzzDriver.run(input);
  }

  @Test
  void theSeedsDoWhatTheirNamesSay() throws IOException {
    for (int mode = 0; mode < 8; mode++) {
      VirtqueueFuzzDriver.Outcome valid = VirtqueueFuzzDriver.run(seed("seed-valid-mode" + mode));
      assertTrue(valid.chainsPopped() >= 3 && !valid.broke(), "valid traffic, mode " + mode);
      assertTrue(valid.chainsPushed() >= 3, "valid traffic pushes, mode " + mode);
    }
    assertTrue(VirtqueueFuzzDriver.run(seed("seed-split-loop")).broke(), "split loop");
    assertTrue(VirtqueueFuzzDriver.run(seed("seed-packed-long-chain")).broke(), "packed chain");
    assertTrue(VirtqueueFuzzDriver.run(seed("seed-avail-jump")).broke(), "avail jump");
  }

  @Test
  void seededRandomInputs() throws IOException {
    int count = Integer.getInteger("parasol.fuzz.randomInputs", 2000);
    for (long s = 0; s < count; s++) {
      Random random = new Random(s);
      byte[] input = new byte[1 + random.nextInt(200)];
      random.nextBytes(input);
      // Bias toward the ring area and valid operations so programs get past the first check.
      for (int i = 1; i < input.length; i++) {
        if (random.nextInt(3) == 0) {
          input[i] = (byte) random.nextInt(VirtqueueFuzzDriver.OP_COUNT);
        }
      }
      try {
        VirtqueueFuzzDriver.run(input);
      } catch (RuntimeException | AssertionError e) {
        Path dir = Path.of("target", "virtqueue-fuzz-failures");
        Files.createDirectories(dir);
        Path file = dir.resolve("random-seed-" + s);
        Files.write(file, input);
        throw new AssertionError("random input " + s + " failed; saved as " + file, e);
      }
    }
  }

  static byte[] seed(String name) throws IOException {
    String resource = "VirtqueueFuzzTestInputs/ringOperations/" + name;
    try (InputStream in = VirtqueueFuzzTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("regression input " + resource + " is missing");
      }
      return in.readAllBytes();
    }
  }
}
