package io.parasol.igvm.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.igvm.measure.LaunchMeasurements;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory-mapped file ({@link IgvmParser#parse(Path)}) reads to the same value, the same
 * measurements and the same first violation as the same bytes in an array.
 */
class MappedParseTest {
  @TempDir Path dir;

  @Test
  void everyVectorMappedIsTheSameFile() throws Exception {
    for (String name : Vectors.FILES) {
      byte[] bytes = Vectors.bytes(name);
      Path path = dir.resolve(name);
      Files.write(path, bytes);
      IgvmFile fromArray = IgvmParser.parse(bytes);
      IgvmFile mapped = IgvmParser.parse(path, 0);
      assertEquals(fromArray, mapped, name);
      assertArrayEquals(bytes, IgvmWriter.write(mapped), name + " writes back byte for byte");
      assertEquals(
          LaunchMeasurements.of(fromArray).toString(),
          LaunchMeasurements.of(mapped).toString(),
          name + " measures the same");
    }
  }

  @Test
  void corruptedFilesFailTheSameWayMappedAndInAnArray() throws Exception {
    Random random = new Random(7);
    RandomIgvm files = new RandomIgvm(11);
    Path path = dir.resolve("corrupt.igvm");
    for (int i = 0; i < 150; i++) {
      byte[] bytes = IgvmWriter.write(files.next());
      if (i % 3 != 0) {
        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
      } else {
        bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      }
      Files.write(path, bytes);
      String expected;
      IgvmFile fromArray = null;
      try {
        fromArray = IgvmParser.parse(bytes);
        expected = "ok";
      } catch (IgvmFormatException e) {
        expected = e.offset() + ": " + e.getMessage();
      }
      String actual;
      IgvmFile mapped = null;
      try {
        mapped = IgvmParser.parse(path, 0);
        actual = "ok";
      } catch (IgvmFormatException e) {
        actual = e.offset() + ": " + e.getMessage();
      }
      assertEquals(expected, actual, "input " + i);
      assertEquals(fromArray, mapped, "input " + i);
    }
  }

  @Test
  void emptyAndTinyFilesAreRejectedMapped() throws Exception {
    Path path = dir.resolve("tiny.igvm");
    Files.write(path, new byte[0]);
    assertThrows(IgvmFormatException.class, () -> IgvmParser.parse(path, 0));
    Files.write(path, new byte[] {'I', 'G', 'V', 'M'});
    assertThrows(IgvmFormatException.class, () -> IgvmParser.parse(path, 0));
  }

  @Test
  void mappedBlobsBehaveLikeArrayBlobs() throws Exception {
    byte[] bytes = new byte[3 * 4096 + 5];
    new Random(3).nextBytes(bytes);
    java.util.Arrays.fill(bytes, 4096, 8192, (byte) 0);
    Path path = dir.resolve("bytes.bin");
    Files.write(path, bytes);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path)) {
      java.lang.foreign.MemorySegment segment =
          ch.map(
              java.nio.channels.FileChannel.MapMode.READ_ONLY,
              0,
              bytes.length,
              java.lang.foreign.Arena.ofAuto());
      for (int[] range : new int[][] {{0, 4096}, {4096, 4096}, {4095, 2}, {8192, 4101}, {7, 0}}) {
        Blob mapped = Blob.view(segment, range[0], range[1]);
        Blob array = Blob.view(bytes, range[0], range[1]);
        assertEquals(array, mapped);
        assertEquals(mapped, array);
        assertEquals(array.hashCode(), mapped.hashCode());
        assertEquals(array.toString(), mapped.toString());
        assertEquals(array.isAllZero(), mapped.isAllZero());
        assertArrayEquals(array.toByteArray(), mapped.toByteArray());
        assertEquals(array.paddedTo(5000), mapped.paddedTo(5000));
        if (range[1] > 1) {
          assertEquals(array.slice(1, range[1] - 1), mapped.slice(1, range[1] - 1));
          assertEquals(array.byteAt(range[1] - 1), mapped.byteAt(range[1] - 1));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mapped.writeTo(out);
        assertArrayEquals(array.toByteArray(), out.toByteArray());
        java.security.MessageDigest a = java.security.MessageDigest.getInstance("SHA-384");
        java.security.MessageDigest b = java.security.MessageDigest.getInstance("SHA-384");
        array.update(a);
        mapped.update(b);
        assertArrayEquals(a.digest(), b.digest());
        assertTrue(mapped.segment().isReadOnly());
      }
    }
  }
}
