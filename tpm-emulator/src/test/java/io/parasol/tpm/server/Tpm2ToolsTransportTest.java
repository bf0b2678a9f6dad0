package io.parasol.tpm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tpm2-tss TCTIs against the servers, with the fake TPM: only the transport is under test.
 * {@code tpm2_startup -c} must reach the engine (twice: the second is answered TPM_RC_INITIALIZE,
 * which the tool accepts), and {@code tpm2_getrandom --hex 8} must print the fake's bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Tpm2ToolsTransportTest {
  /** The fake TPM's GetRandom bytes, as tpm2_getrandom --hex prints them. */
  private static final String RANDOM_HEX = "a0a1a2a3a4a5a6a7";

  @BeforeAll
  static void toolsInstalled() {
    Optional<String> reason = Tpm2Tools.unavailableReason();
    reason.ifPresent(System.out::println);
    assumeTrue(reason.isEmpty(), reason.orElse(""));
  }

  private static void startupAndGetRandom(String tcti, FakeTpm fake) throws Exception {
    Tpm2Tools.Result startup = Tpm2Tools.run(tcti, "tpm2_startup", "-c");
    assertTrue(startup.succeeded(), startup.toString());
    assertTrue(fake.started());
    Tpm2Tools.Result random = Tpm2Tools.run(tcti, "tpm2_getrandom", "--hex", "8");
    assertTrue(random.succeeded(), random.toString());
    assertEquals(RANDOM_HEX, random.stdout());
    // tpm2_startup accepts TPM_RC_INITIALIZE from an already started TPM: the command must still
    // have reached the engine, and the TPM must still be started.
    Tpm2Tools.Result again = Tpm2Tools.run(tcti, "tpm2_startup", "-c");
    assertTrue(again.succeeded(), again.toString());
    long startups =
        fake.commands().stream()
            .filter(c -> TpmResponses.code(c) == FakeTpm.TPM_CC_STARTUP)
            .count();
    assertEquals(2, startups);
  }

  @Test
  void mssimTctiOverTcp() throws Exception {
    FakeTpm fake = new FakeTpm();
    try (MssimServer server =
        MssimServer.startTcp(
            new SerializedTpm(fake, fake),
            InetAddress.getLoopbackAddress(),
            0,
            TpmServerOptions.defaults())) {
      startupAndGetRandom(Tpm2Tools.mssimTcp(server.commandEndpoint()), fake);
      // The TCTI powers the TPM on at each init: no-ops after the first.
      assertEquals("powerOn", fake.events().getFirst());
      assertEquals(1, fake.events().stream().filter("powerOn"::equals).count());
      assertTrue(server.nvAvailable());
    }
  }

  @Test
  void mssimTctiOverUnixSockets(@TempDir Path dir) throws Exception {
    FakeTpm fake = new FakeTpm();
    try (MssimServer server =
        MssimServer.startUnix(
            new SerializedTpm(fake, fake), dir.resolve("mssim"), TpmServerOptions.defaults())) {
      startupAndGetRandom("mssim:path=" + dir.resolve("mssim"), fake);
    }
  }

  @Test
  void swtpmTctiOverTcp() throws Exception {
    FakeTpm fake = new FakeTpm();
    try (SwtpmServer server =
        SwtpmServer.startTcp(
            new SerializedTpm(fake, fake),
            InetAddress.getLoopbackAddress(),
            0,
            TpmServerOptions.defaults())) {
      startupAndGetRandom(Tpm2Tools.swtpmTcp(server.dataEndpoint()), fake);
    }
  }

  @Test
  void swtpmTctiOverUnixSockets(@TempDir Path dir) throws Exception {
    FakeTpm fake = new FakeTpm();
    try (SwtpmServer server =
        SwtpmServer.startUnix(
            new SerializedTpm(fake, fake), dir.resolve("swtpm"), TpmServerOptions.defaults())) {
      startupAndGetRandom(Tpm2Tools.swtpmUnix(server.dataEndpoint()), fake);
    }
  }
}
