package io.parasol.igvm.format;

import io.parasol.igvm.measure.LaunchMeasurements;
import io.parasol.igvm.measure.MeasurementException;
import java.util.Arrays;

/**
 * What must hold for any input to the parser: it either fails with the library's own {@link
 * IgvmFormatException} (with a rule and an offset inside the input), or it reads a file that writes
 * and reads back to the same value, and measures (or says why it cannot). Any other exception
 * escapes to the caller and fails the test or fuzz run.
 */
public final class ParserConsistency {
  private ParserConsistency() {}

  /** Returns the parsed file, or null when the input was rejected with a clear error. */
  public static IgvmFile check(byte[] input) {
    IgvmFile parsed;
    try {
      parsed = IgvmParser.parse(input.clone());
    } catch (IgvmFormatException e) {
      if (e.rule() == null || e.rule().isBlank()) {
        throw new AssertionError("an IgvmFormatException without a rule", e);
      }
      if (e.offset() < 0 || e.offset() > Math.max(0, input.length)) {
        throw new AssertionError(
            "offset " + e.offset() + " outside an input of " + input.length + " bytes", e);
      }
      return null;
    }
    byte[] written = IgvmWriter.write(parsed);
    IgvmFile reread;
    try {
      reread = IgvmParser.parse(written);
    } catch (IgvmFormatException e) {
      throw new AssertionError(
          "the writer's output of a valid file does not parse: " + e.getMessage(), e);
    }
    if (!reread.equals(parsed)) {
      throw new AssertionError("a file read back after writing is not the same value");
    }
    if (!Arrays.equals(written, IgvmWriter.write(reread))) {
      throw new AssertionError("writing is not stable: a second write differs");
    }
    try {
      LaunchMeasurements.of(parsed);
    } catch (MeasurementException e) {
      // A clear refusal is fine.
    }
    return parsed;
  }
}
