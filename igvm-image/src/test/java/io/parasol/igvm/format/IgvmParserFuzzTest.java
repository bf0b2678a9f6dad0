package io.parasol.igvm.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The IGVM parser under fuzzing: any bytes are either rejected with an {@link IgvmFormatException}
 * or read into a file that writes and reads back to the same value ({@link ParserConsistency}).
 *
 * <p>In every build Jazzer runs the regression inputs in {@code
 * src/test/resources/io/parasol/igvm/format/IgvmParserFuzzTestInputs/parse/}: the four known-answer
 * files and small random valid files ({@code seed-*}, rewritten by {@link #main}), plus any failing
 * input found since. To fuzz for real (Jazzer 0.24 instruments class files up to Java 23 only):
 *
 * <pre>{@code
 * rm -rf igvm-image/target/classes igvm-image/target/test-classes igvm-image/target/maven-status
 * JAZZER_FUZZ=1 mvn -B -pl igvm-image test -Dmaven.compiler.release=23 \
 *     -Dtest=IgvmParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * rm -rf igvm-image/target/classes igvm-image/target/test-classes   # back to release 25
 * }</pre>
 */
class IgvmParserFuzzTest {
  static final Path DIRECTORY =
      Path.of("src/test/resources/io/parasol/igvm/format/IgvmParserFuzzTestInputs/parse");

  @FuzzTest(maxDuration = "5m")
  void parse(byte[] input) {
    ParserConsistency.check(input);
  }

  @Test
  void theRandomSeedsAreTheCommittedOnes() throws IOException {
    for (int seed = 0; seed < 8; seed++) {
      assertArrayEquals(randomSeed(seed), committed("seed-random-" + seed), "seed-random-" + seed);
      assertNotNull(ParserConsistency.check(committed("seed-random-" + seed)));
    }
  }

  private static byte[] randomSeed(int seed) {
    return IgvmWriter.write(new RandomIgvm(1000 + seed).next());
  }

  private static byte[] committed(String name) throws IOException {
    try (InputStream in =
        IgvmParserFuzzTest.class.getResourceAsStream("IgvmParserFuzzTestInputs/parse/" + name)) {
      if (in == null) {
        throw new IOException(
            "regression input " + name + " is missing: run IgvmParserFuzzTest.main");
      }
      return in.readAllBytes();
    }
  }

  /** Rewrites the random seed inputs (run from the igvm-image directory). */
  public static void main(String[] args) throws IOException {
    for (int seed = 0; seed < 8; seed++) {
      Files.write(DIRECTORY.resolve("seed-random-" + seed), randomSeed(seed));
    }
  }
}
