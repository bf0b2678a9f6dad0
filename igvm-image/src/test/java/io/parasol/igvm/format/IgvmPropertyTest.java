package io.parasol.igvm.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Round-trip properties: random valid files write and read back equal; any single corrupted byte of
 * a valid file is rejected with the library's own error or read consistently.
 */
class IgvmPropertyTest {
  private static final int FILES = Integer.getInteger("parasol.igvm.randomFiles", 400);

  @Test
  void randomValidFilesRoundTrip() throws Exception {
    for (long seed = 0; seed < FILES; seed++) {
      IgvmFile file = new RandomIgvm(seed).next();
      byte[] bytes = IgvmWriter.write(file);
      IgvmFile read;
      try {
        read = IgvmParser.parse(bytes);
      } catch (IgvmFormatException e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
      assertEquals(file, read, "seed " + seed);
      assertArrayEquals(bytes, IgvmWriter.write(read), "seed " + seed);
    }
  }

  @Test
  void everySingleByteCorruptionOfAVectorIsCaughtOrReadConsistently() {
    for (String name : Vectors.FILES) {
      byte[] original = Vectors.bytes(name);
      Random random = new Random(name.hashCode());
      int rejected = 0;
      int accepted = 0;
      for (int at = 0; at < original.length; at += at < 1024 ? 1 : 1 + random.nextInt(64)) {
        byte[] corrupt = original.clone();
        corrupt[at] = (byte) (corrupt[at] ^ (1 + random.nextInt(255)));
        if (ParserConsistency.check(corrupt) == null) {
          rejected++;
        } else {
          accepted++;
        }
      }
      assertTrue(
          rejected > 0 && accepted > 0,
          name + ": " + rejected + " rejected, " + accepted + " read");
    }
  }

  @Test
  void corruptionPastTheChecksumHitsTheHeaderRules() {
    // With the checksum recomputed, a corrupted header byte reaches the header rules.
    int rejected = 0;
    int read = 0;
    for (long seed = 0; seed < FILES / 4; seed++) {
      byte[] bytes = IgvmWriter.write(new RandomIgvm(seed).next());
      Random random = new Random(seed);
      int fixed = Le.getInt(bytes, 8);
      int section = Le.getInt(bytes, 12);
      for (int n = 0; n < 40; n++) {
        byte[] corrupt = bytes.clone();
        int at = random.nextInt(fixed + section);
        corrupt[at] = (byte) (corrupt[at] ^ (1 + random.nextInt(255)));
        if (at >= 24 || at < 20) {
          int sectionNow = Le.getInt(corrupt, 12);
          int offsetNow = Le.getInt(corrupt, 8);
          if (sectionNow >= 0
              && offsetNow >= 24
              && (long) offsetNow + sectionNow <= corrupt.length
              && Le.getInt(corrupt, 4) == 1) {
            Le.putInt(corrupt, 20, IgvmParser.checksum(corrupt, 24, offsetNow, sectionNow));
          }
        }
        if (ParserConsistency.check(corrupt) == null) {
          rejected++;
        } else {
          read++;
        }
      }
    }
    assertTrue(rejected > 100, rejected + " rejected");
    assertTrue(read > 10, read + " read");
  }

  @Test
  void theVectorsAreConsistent() {
    for (String name : Vectors.FILES) {
      assertNotNull(ParserConsistency.check(Vectors.bytes(name)), name);
    }
  }
}
