package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parasol tpm manufacture}'s options and failures; manufacturing itself is tested in
 * tpm-emulator (TpmManufacturerTest) and against tpm2-tools in tests/ (TpmManufactureIT).
 */
class TpmManufactureCommandTest {

  @Test
  void helpNamesTheOptions() {
    MainTest.Result r = MainTest.parasol("tpm", "manufacture", "--help");
    assertEquals(0, r.exitCode());
    for (String option : new String[] {"--state", "--ca-key", "--ca-cert", "--ek", "0x01C00002"}) {
      assertTrue(r.out().contains(option), option + " in\n" + r.out());
    }
  }

  @Test
  void anUnknownEkKindIsAUsageError(@TempDir Path dir) {
    MainTest.Result r =
        MainTest.parasol(
            "tpm",
            "manufacture",
            "--state",
            dir.resolve("vtpm").toString(),
            "--ca-key",
            "k.pem",
            "--ca-cert",
            "c.pem",
            "--ek",
            "rsa4096");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--ek rsa4096 is not rsa2048, ecc-p256 or both"), r.err());
  }

  @Test
  void aMissingCaKeyIsOneSentenceAndTouchesNoState(@TempDir Path dir) {
    Path state = dir.resolve("vtpm");
    MainTest.Result r =
        MainTest.parasol(
            "tpm",
            "manufacture",
            "--state",
            state.toString(),
            "--ca-key",
            dir.resolve("missing.pem").toString(),
            "--ca-cert",
            dir.resolve("missing.crt").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("parasol: cannot read the CA key "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(state), "no state made before the CA could be read");
  }
}
