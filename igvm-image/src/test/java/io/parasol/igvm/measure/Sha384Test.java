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
}
