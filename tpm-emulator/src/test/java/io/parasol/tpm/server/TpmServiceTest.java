package io.parasol.tpm.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.state.TpmStateRollbackException;
import io.parasol.tpm.state.TpmStateStore;
import io.parasol.tpm.state.TpmStateWrongKeyException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TpmServiceTest {

  @TempDir Path root;

  private static int run(TpmService service, TpmCommandBuilder command) {
    return TpmResponse.parse(service.tpm().execute(Locality.ZERO, command.build())).rc();
  }

  private static void startup(TpmService service) {
    assertEquals(
        TpmRc.SUCCESS,
        run(service, TpmCommandBuilder.command(TpmCc.STARTUP).params(w -> w.writeU16(0))));
  }

  /** TPM2_DictionaryAttackParameters with lockout auth: a persistent change. */
  private static void setMaxTries(TpmService service, int maxTries) {
    assertEquals(
        TpmRc.SUCCESS,
        run(
            service,
            TpmCommandBuilder.command(TpmCc.DICTIONARY_ATTACK_PARAMETERS)
                .handle(TpmHandle.RH_LOCKOUT)
                .password()
                .params(w -> w.writeU32(maxTries).writeU32(10).writeU32(20))));
  }

  private TpmService start(Path dir) throws Exception {
    return TpmService.builder().stateDirectory(dir).start();
  }

  @Test
  void theKeyAndTheAnchorLiveBesideTheStateDirectory() {
    Path dir = root.resolve("vtpm");
    assertEquals(root.resolve("vtpm.key"), TpmService.defaultKeyFile(dir));
    assertEquals(
        root.resolve("vtpm.key.anchor"), TpmService.anchorFileFor(root.resolve("vtpm.key")));
    assertThrows(IllegalArgumentException.class, () -> TpmService.defaultKeyFile(Path.of("/")));
  }

  @Test
  void aNewTpmIsManufacturedSavedAndFoundAgain() throws Exception {
    Path dir = root.resolve("vtpm");
    byte[] seed;
    long generation;
    try (TpmService service = start(dir)) {
      assertTrue(service.manufactured());
      assertEquals(1, service.stateGeneration(), "a new TPM is saved at once");
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("vtpm.key"))));
      assertTrue(Files.exists(root.resolve("vtpm.key.anchor")));
      seed = service.engine().state().seed(io.parasol.tpm.Hierarchy.OWNER).clone();
      startup(service);
      long before = service.stateGeneration();
      setMaxTries(service, 7);
      assertEquals(before + 1, service.stateGeneration(), "saved after the persistent change");
      generation = service.stateGeneration();
    }
    try (TpmService service = start(dir)) {
      assertFalse(service.manufactured());
      assertEquals(generation + 1, service.stateGeneration(), "saved once more when closed");
      assertArrayEquals(seed, service.engine().state().seed(io.parasol.tpm.Hierarchy.OWNER));
      assertEquals(7, service.engine().state().dictionaryAttack().maxTries());
    }
  }

  @Test
  void anOlderStateFileIsRefusedAsRolledBack() throws Exception {
    Path dir = root.resolve("vtpm");
    try (TpmService service = start(dir)) {
      startup(service);
    }
    byte[] old = Files.readAllBytes(dir.resolve(TpmStateStore.STATE_FILE_NAME));
    try (TpmService service = start(dir)) {
      startup(service);
      setMaxTries(service, 9);
    }
    Files.write(dir.resolve(TpmStateStore.STATE_FILE_NAME), old);
    TpmStateRollbackException e = assertThrows(TpmStateRollbackException.class, () -> start(dir));
    assertTrue(e.getMessage().contains("rolled-back"), e.getMessage());
  }

  @Test
  void anotherKeyIsRefused() throws Exception {
    Path dir = root.resolve("vtpm");
    try (TpmService service = start(dir)) {
      startup(service);
    }
    assertThrows(
        TpmStateWrongKeyException.class,
        () -> TpmService.builder().stateDirectory(dir).keyFile(root.resolve("other.key")).start());
  }

  @Test
  void serversStopWithTheServiceAndAClientStopEndsIt() throws Exception {
    TpmService service =
        TpmService.builder()
            .ephemeral()
            .mssimTcp(InetAddress.getLoopbackAddress(), 0)
            .swtpmTcp(InetAddress.getLoopbackAddress(), 0, 0)
            .start();
    assertTrue(service.ephemeral());
    assertEquals(1, service.mssimServers().size());
    assertEquals(1, service.swtpmServers().size());
    MssimServer mssim = service.mssimServers().getFirst();
    mssim.close(); // as a client's TPM_STOP would
    service.awaitStop();
    service.close();
    assertTrue(service.swtpmServers().getFirst().isStopped());
  }

  @Test
  void ephemeralAndAStateDirectoryAreExclusive() {
    assertThrows(
        IllegalStateException.class,
        () -> TpmService.builder().ephemeral().stateDirectory(root).start());
    assertThrows(IllegalStateException.class, () -> TpmService.builder().start());
  }
}
