package io.parasol.tpm.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TpmRandomTest {
  @Test
  void producesDistinctValuesAcrossStirring() {
    TpmRandom random = TpmRandom.create();
    byte[] a = random.nextBytes(32);
    random.stir("guest data".getBytes());
    random.addEntropy(new byte[48]);
    byte[] b = random.nextBytes(32);
    assertEquals(32, a.length);
    assertFalse(Arrays.equals(a, b));
    assertFalse(Arrays.equals(new byte[32], b));
  }

  @Test
  void overADeterministicSourceIsReproducible() {
    byte[] a = TpmRandom.over(CtrDrbg.instantiate(new byte[48], null)).nextBytes(20);
    byte[] b = TpmRandom.over(CtrDrbg.instantiate(new byte[48], null)).nextBytes(20);
    org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
  }
}
