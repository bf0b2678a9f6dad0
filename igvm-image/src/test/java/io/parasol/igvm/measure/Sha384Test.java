package io.parasol.igvm.measure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.PlatformType;
import io.parasol.igvm.format.Vectors;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** libcrypto's SHA-384 (when the system has it) and the JDK's give the same digests. */
class Sha384Test {
  @Test
  void libcryptoIsUsedOnThisSystemWhenItIsInstalled() {
    boolean installed =
        java.nio.file.Files.exists(
                java.nio.file.Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"))
            || java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib64/libcrypto.so.3"))
            || java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/libcrypto.so.3"));
    if (installed) {
      assertTrue(Sha384.isNative(), "libcrypto.so.3 is installed but was not loaded");
    }
  }

  @Test
  void nativeAndJdkDigestsAreIdentical() throws Exception {
    Sha384 best = Sha384.create();
    Sha384 jdk = Sha384.jdk();
    Random random = new Random(1);
    for (int length : new int[] {0, 1, 3, 111, 112, 127, 128, 129, 4095, 4096, 4097, 65536}) {
      byte[] data = new byte[length + 9];
      random.nextBytes(data);
      Blob blob = Blob.of(data).slice(9, length); // a view at an offset, as in a file
      byte[] expected =
          MessageDigest.getInstance("SHA-384")
              .digest(java.util.Arrays.copyOfRange(data, 9, 9 + length));
      assertArrayEquals(expected, best.digest(blob), length + " bytes");
      assertArrayEquals(expected, jdk.digest(blob), length + " bytes");
      assertArrayEquals(expected, best.digest(blob.toByteArray()), length + " bytes");
      assertArrayEquals(expected, jdk.digest(blob.toByteArray()), length + " bytes");
    }
  }

  @Test
  void knownAnswer() {
    assertEquals(
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            + "8086072ba1e7cc2358baeca134c825a7",
        HexFormat.of().formatHex(Sha384.create().digest("abc".getBytes())));
  }

  @Test
  void launchDigestsAreTheSameWithEitherHash() throws Exception {
    for (String name : new String[] {"snp_basic.igvm", "multi_platform.igvm"}) {
      var file = Vectors.parse(name);
      int bit = file.platform(PlatformType.SEV_SNP).orElseThrow().compatibilityMask();
      assertArrayEquals(
          SnpLaunchDigest.compute(file, bit, Sha384::jdk),
          SnpLaunchDigest.compute(file, bit, Sha384::create),
          name);
    }
  }

  @Test
  void manyChunksHashedByEveryThreadGiveTheSameDigestAsTheJdkAlone() throws Exception {
    Random random = new Random(9);
    java.util.List<io.parasol.igvm.format.DirectiveHeader> pages = new java.util.ArrayList<>();
    for (int i = 0; i < 2000; i++) { // eight chunks of 256 pages
      byte[] page = new byte[i % 7 == 0 ? 0 : 4096]; // some pages without data
      random.nextBytes(page);
      pages.add(
          io.parasol.igvm.format.DirectiveHeader.PageData.normal(
              (long) i * 4096, 1, Blob.of(page)));
    }
    var file =
        new io.parasol.igvm.format.IgvmFile(
            io.parasol.igvm.format.FormatRevision.V1,
            java.util.List.of(
                io.parasol.igvm.format.PlatformHeader.SupportedPlatform.of(
                    PlatformType.SEV_SNP, 1)),
            java.util.List.of(),
            pages);
    byte[] jdk = SnpLaunchDigest.compute(file, 1, Sha384::jdk);
    for (int run = 0; run < 5; run++) {
      assertArrayEquals(jdk, SnpLaunchDigest.compute(file, 1, Sha384::create));
      assertArrayEquals(jdk, SnpLaunchDigest.compute(file, 1, Sha384::jdk));
    }
    // A hash that fails in any thread fails the digest with its own message.
    var failing = new java.util.concurrent.atomic.AtomicInteger();
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () ->
                SnpLaunchDigest.compute(
                    file, 1, () -> failing.incrementAndGet() == 2 ? new Failing() : Sha384.jdk()));
    assertEquals("test failure", e.getMessage());
  }

  /** A hash that always fails, as libcrypto would if EVP_Digest returned 0. */
  private static final class Failing extends Sha384 {
    @Override
    byte[] digest(Blob data) {
      throw new IllegalStateException("test failure");
    }

    @Override
    byte[] digest(byte[] data) {
      throw new IllegalStateException("test failure");
    }
  }
}
