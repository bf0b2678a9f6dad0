package io.parasol.backend.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RawImageFile} on this machine's file system (under {@code target/}, where O_DIRECT works
 * on ext4 and is refused on tmpfs): aligned scatter lists (the O_DIRECT path where there is one)
 * and unaligned ones (always the page cache) read back what was written, in place or on threads.
 */
class RawImageFileTest {
  private static byte[] pattern(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** With threads and a size below which requests stay inline: both kinds move the right data. */
  @Test
  void smallRequestsRunOnTheCallersThreadAndLargeOnesOnThePool() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "raw-image-test"));
    Path file = Files.createTempFile(dir, "disk", ".raw");
    byte[] disk = pattern(1 << 20, 9);
    Files.write(file, disk);
    try (Arena arena = Arena.ofShared();
        RawImageFile image = RawImageFile.open(file, false, 2, 64 << 10)) {
      MemorySegment mem = arena.allocate(256 << 10, 4096);
      CompletableFuture<Long> small = image.read(4096, List.of(mem.asSlice(0, 4096)));
      assertTrue(small.isDone(), "a request under the threshold completed before read returned");
      assertEquals(4096L, small.get());
      assertArrayEquals(
          Arrays.copyOfRange(disk, 4096, 8192),
          mem.asSlice(0, 4096).toArray(ValueLayout.JAVA_BYTE));
      List<CompletableFuture<Long>> large = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        large.add(image.read(i * (64L << 10), List.of(mem.asSlice(i * (64L << 10), 64 << 10))));
      }
      for (CompletableFuture<Long> f : large) {
        assertEquals(64L << 10, f.get());
      }
      assertArrayEquals(Arrays.copyOfRange(disk, 0, 256 << 10), mem.toArray(ValueLayout.JAVA_BYTE));
    }
    assertThrows(IllegalArgumentException.class, () -> RawImageFile.open(file, false, 2, -1));
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {0, 2})
  void alignedAndUnalignedScatterListsRoundTrip(int threads) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "raw-image-test"));
    Path file = Files.createTempFile(dir, "disk", ".raw");
    Files.write(file, new byte[1 << 20]);
    try (Arena arena = Arena.ofShared();
        RawImageFile image = RawImageFile.open(file, false, threads)) {
      System.out.println("RawImageFileTest: O_DIRECT on " + dir + ": " + image.hasDirectIo());
      MemorySegment mem = arena.allocate(64 << 10, 4096);
      byte[] data = pattern(3 * 4096, threads);
      MemorySegment.copy(data, 0, mem, ValueLayout.JAVA_BYTE, 0, data.length);
      // Aligned: two pieces of whole sectors at sector offsets.
      List<MemorySegment> aligned = List.of(mem.asSlice(0, 4096), mem.asSlice(8192, 4096));
      assertEquals(8192L, image.write(4096, aligned).get());
      // Unaligned memory (offset 1) of an odd length, at an unaligned file offset.
      assertEquals(1000L, image.write(3 * 4096 + 7, List.of(mem.asSlice(1, 1000))).get());
      byte[] onDisk = Files.readAllBytes(file);
      assertArrayEquals(Arrays.copyOfRange(data, 0, 4096), Arrays.copyOfRange(onDisk, 4096, 8192));
      assertArrayEquals(
          Arrays.copyOfRange(data, 8192, 12288), Arrays.copyOfRange(onDisk, 8192, 12288));
      assertArrayEquals(
          Arrays.copyOfRange(data, 1, 1001),
          Arrays.copyOfRange(onDisk, 3 * 4096 + 7, 3 * 4096 + 1007));

      MemorySegment back = mem.asSlice(32 << 10, 16 << 10);
      back.fill((byte) 0);
      assertEquals(
          8192L, image.read(4096, List.of(back.asSlice(0, 4096), back.asSlice(4096, 4096))).get());
      assertArrayEquals(
          Arrays.copyOfRange(onDisk, 4096, 12288),
          back.asSlice(0, 8192).toArray(ValueLayout.JAVA_BYTE));
      assertEquals(1000L, image.read(3 * 4096 + 7, List.of(back.asSlice(9, 1000))).get());
      assertArrayEquals(
          Arrays.copyOfRange(data, 1, 1001), back.asSlice(9, 1000).toArray(ValueLayout.JAVA_BYTE));
      // Past the end: a short count, not an error.
      assertEquals(512L, image.read((1 << 20) - 512, List.of(back.asSlice(0, 4096))).get());
      image.flush().get(); // fdatasync succeeds
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
