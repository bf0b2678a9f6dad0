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
 * src/test/resources/io/parasol/igvm/format/IgvmParserFuzzTestInputs/<target>/}: the four
 * known-answer files and small random valid files ({@code seed-*}, rewritten by {@link #main}),
 * plus any failing input found since. To fuzz for real (Jazzer 0.24 instruments class files up to
 * Java 23 only):
 *
 * <pre>{@code
 * rm -rf igvm-image/target/classes igvm-image/target/test-classes igvm-image/target/maven-status
 * JAZZER_FUZZ=1 mvn -B -pl igvm-image test -Dmaven.compiler.release=23 \
 *     -Dtest=IgvmParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * rm -rf igvm-image/target/classes igvm-image/target/test-classes   # back to release 25
 * }</pre>
 *
 * <p>(Use {@code -Dtest=IgvmParserFuzzTest#parseWithValidChecksum} for the second target. On
 * 2026-11-21 each ran about 5 minutes: 2.5 million inputs for {@code parse}, 1.5 million for {@code
 * parseWithValidChecksum}, no finding. A run stopped with a signal leaves a {@code crash-*} file in
 * the inputs directory: delete it.)
 */
class IgvmParserFuzzTest {
  static final Path DIRECTORY =
      Path.of("src/test/resources/io/parasol/igvm/format/IgvmParserFuzzTestInputs/parse");

  @FuzzTest(maxDuration = "5m")
  void parse(byte[] input) {
    ParserConsistency.check(input);
  }

  /**
   * The same with the checksum recomputed over the mutated headers (when the fixed header still
   * says where they are), so mutations reach the header rules instead of stopping at the CRC.
   */
  @FuzzTest(maxDuration = "5m")
  void parseWithValidChecksum(byte[] input) {
    ParserConsistency.check(withValidChecksum(input));
  }

  static byte[] withValidChecksum(byte[] input) {
    byte[] file = input.clone();
    if (file.length >= 32) {
      int version = Le.getInt(file, 4);
      int fixed = version == 2 ? 32 : 24;
      long offset = Le.getInt(file, 8) & 0xFFFFFFFFL;
      long size = Le.getInt(file, 12) & 0xFFFFFFFFL;
      if (offset >= fixed && offset + size <= file.length) {
        Le.putInt(file, 20, IgvmParser.checksum(file, fixed, (int) offset, (int) size));
      }
    }
    return file;
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
