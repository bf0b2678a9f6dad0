package io.parasol.tpm.server;

import static io.parasol.tpm.server.MssimServer.GET_COMMAND_RESPONSE_SIZES;
import static io.parasol.tpm.server.MssimServer.REMOTE_HANDSHAKE;
import static io.parasol.tpm.server.MssimServer.SEND_COMMAND;
import static io.parasol.tpm.server.MssimServer.SESSION_END;
import static io.parasol.tpm.server.MssimServer.SET_ALTERNATIVE_RESULT;
import static io.parasol.tpm.server.MssimServer.SIGNAL_CANCEL_OFF;
import static io.parasol.tpm.server.MssimServer.SIGNAL_CANCEL_ON;
import static io.parasol.tpm.server.MssimServer.SIGNAL_HASH_DATA;
import static io.parasol.tpm.server.MssimServer.SIGNAL_HASH_END;
import static io.parasol.tpm.server.MssimServer.SIGNAL_HASH_START;
import static io.parasol.tpm.server.MssimServer.SIGNAL_KEY_CACHE_OFF;
import static io.parasol.tpm.server.MssimServer.SIGNAL_KEY_CACHE_ON;
import static io.parasol.tpm.server.MssimServer.SIGNAL_NV_OFF;
import static io.parasol.tpm.server.MssimServer.SIGNAL_NV_ON;
import static io.parasol.tpm.server.MssimServer.SIGNAL_PHYS_PRES_OFF;
import static io.parasol.tpm.server.MssimServer.SIGNAL_PHYS_PRES_ON;
import static io.parasol.tpm.server.MssimServer.SIGNAL_POWER_OFF;
import static io.parasol.tpm.server.MssimServer.SIGNAL_POWER_ON;
import static io.parasol.tpm.server.MssimServer.SIGNAL_RESET;
import static io.parasol.tpm.server.MssimServer.SIGNAL_RESTART;
import static io.parasol.tpm.server.MssimServer.STOP;
import static io.parasol.tpm.server.MssimServer.TEST_FAILURE_MODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Byte-exact exchanges with {@link MssimServer} on loopback TCP and Unix sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MssimServerTest {
  private static final byte[] OK = Wire.u32(0);

  private final FakeTpm fake = new FakeTpm();
  private final SerializedTpm tpm = new SerializedTpm(fake, fake);
  private MssimServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        MssimServer.startTcp(tpm, InetAddress.getLoopbackAddress(), 0, TpmServerOptions.defaults());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestClient command() throws IOException {
    return TestClient.connect(server.commandEndpoint());
  }

  private TestClient platform() throws IOException {
    return TestClient.connect(server.platformEndpoint());
  }

  private void powerOn() throws IOException {
    try (TestClient p = platform()) {
      p.sendU32(SIGNAL_POWER_ON).expect(OK);
    }
  }

  @Test
  void platformPortIsCommandPortPlusOne() {
    int commandPort = ((Endpoint.Tcp) server.commandEndpoint()).port();
    int platformPort = ((Endpoint.Tcp) server.platformEndpoint()).port();
    assertNotEquals(0, commandPort);
    assertEquals(commandPort + 1, platformPort);
  }

  @Test
  void sendCommandIsAnsweredWithLengthResponseAndTrailingZero() throws IOException {
    powerOn();
    try (TestClient c = command()) {
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expectHex("0000000a 8001 0000000a 00000000 00000000");
      c.send(Wire.mssimCommand(0, Wire.getRandom(8)));
      c.expectHex("00000014 8001 00000014 00000000 0008 a0a1a2a3a4a5a6a7 00000000");
    }
    assertEquals(2, fake.commands().size());
  }

  @Test
  void headerAndCommandInSeparateWritesAsTctiMssimSendsThem() throws IOException {
    powerOn();
    try (TestClient c = command()) {
      byte[] frame = Wire.mssimCommand(0, Wire.startupClear());
      c.send(java.util.Arrays.copyOf(frame, 9));
      c.send(java.util.Arrays.copyOfRange(frame, 9, frame.length));
      c.expect(Wire.mssimResponse(Wire.response(0)));
    }
  }

  @Test
  void splitWritesWithoutNoDelayAreNotStalledByDelayedAcks() throws IOException {
    // tpm2-tss's mssim TCTI writes header and command separately, Nagle on: unless the server
    // acknowledges the header at once, Nagle holds the command until a delayed ACK (~40 ms).
    powerOn();
    try (TestClient c = command()) {
      byte[] frame = Wire.mssimCommand(0, Wire.getRandom(8));
      byte[] response =
          Wire.mssimResponse(Wire.hex("8001 00000014 00000000 0008 a0a1a2a3a4a5a6a7"));
      long[] nanos = new long[41];
      for (int i = 0; i < nanos.length; i++) {
        long t0 = System.nanoTime();
        c.send(java.util.Arrays.copyOf(frame, 9));
        c.send(java.util.Arrays.copyOfRange(frame, 9, frame.length));
        int length = java.nio.ByteBuffer.wrap(c.read(4)).getInt();
        c.read(length + 4); // the response and the trailing u32
        nanos[i] = System.nanoTime() - t0;
      }
      java.util.Arrays.sort(nanos);
      long medianMillis = nanos[nanos.length / 2] / 1_000_000;
      assertTrue(medianMillis < 20, "median command time " + medianMillis + " ms");
    }
  }

  @Test
  void localityOfTheFrameReachesTheEngine() throws IOException {
    powerOn();
    try (TestClient c = command()) {
      c.send(Wire.mssimCommand(0, Wire.startupClear())).read(18);
      for (int locality = 0; locality <= 4; locality++) {
        c.send(Wire.mssimCommand(locality, Wire.readClock()));
        c.expect(Wire.mssimResponse(Wire.echoResponse(locality, 0x181)));
      }
    }
  }

  @Test
  void extendedLocalityIsAnsweredWithTpmRcLocalityWithoutReachingTheEngine() throws IOException {
    powerOn();
    try (TestClient c = command()) {
      c.send(Wire.mssimCommand(32, Wire.readClock()));
      c.expect(Wire.mssimResponse(Wire.response(0x907)));
    }
    assertTrue(fake.commands().isEmpty());
  }

  @Test
  void commandsWhilePoweredOffFailWithTpmRcFailure() throws IOException {
    try (TestClient c = command()) {
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0x101)));
    }
    assertTrue(fake.commands().isEmpty());
  }

  @Test
  void remoteHandshakeReportsVersionAndFlags() throws IOException {
    try (TestClient c = command()) {
      c.sendU32(REMOTE_HANDSHAKE, 1).expectHex("00000001 0000000d 00000000");
    }
  }

  @Test
  void remoteHandshakeWithVersionZeroClosesTheConnection() throws IOException {
    try (TestClient c = command()) {
      c.sendU32(REMOTE_HANDSHAKE, 0).expectClosed();
    }
  }

  @Test
  void hashSignalsReachThePlatform() throws IOException {
    try (TestClient c = command()) {
      c.sendU32(SIGNAL_HASH_START).expect(OK);
      c.send(Wire.u32(SIGNAL_HASH_DATA, 3), Wire.hex("010203")).expect(OK);
      c.sendU32(SIGNAL_HASH_END).expect(OK);
    }
    assertEquals(List.of("hashStart", "hashData:010203", "hashEnd"), fake.events());
  }

  @Test
  void hashDataLongerThanOneMebibyteClosesTheConnection() throws IOException {
    try (TestClient c = command()) {
      c.sendU32(SIGNAL_HASH_DATA, (1 << 20) + 1).expectClosed();
    }
    assertFalse(fake.events().stream().anyMatch(e -> e.startsWith("hashData")));
  }

  @Test
  void setAlternativeResultIsAcknowledged() throws IOException {
    try (TestClient c = command()) {
      c.sendU32(SET_ALTERNATIVE_RESULT, 0x12345678).expect(OK);
    }
  }

  @Test
  void sessionEndClosesWithoutReplyAndTheNextClientIsServed() throws IOException {
    powerOn();
    try (TestClient c = command()) {
      c.sendU32(SESSION_END).expectClosed();
    }
    try (TestClient c = command()) {
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0)));
    }
  }

  @Test
  void clientsThatVanishWithoutSessionEndAreReplacedByTheNext() throws IOException {
    powerOn();
    for (int i = 0; i < 3; i++) {
      try (TestClient c = command()) {
        c.send(Wire.mssimCommand(0, Wire.startupClear()));
        c.expect(Wire.mssimResponse(Wire.response(i == 0 ? 0 : FakeTpm.TPM_RC_INITIALIZE)));
      }
    }
  }

  @Test
  void unknownTpmPortCodeClosesTheConnectionAndTheServerGoesOn() throws IOException {
    try (TestClient c = command()) {
      c.sendU32(0x77).expectClosed();
    }
    try (TestClient c = command()) {
      c.sendU32(REMOTE_HANDSHAKE, 1).expectHex("00000001 0000000d 00000000");
    }
  }

  @Test
  void commandLongerThanTheMaximumClosesTheConnection() throws IOException {
    powerOn();
    try (TestClient c = command()) {
      c.send(Wire.u32(SEND_COMMAND), new byte[] {0}, Wire.u32(0x7FFFFFFF)).expectClosed();
    }
    try (TestClient c = command()) {
      c.send(Wire.u32(SEND_COMMAND), new byte[] {0}, Wire.u32(4097)).expectClosed();
    }
    assertTrue(fake.commands().isEmpty());
    try (TestClient c = command()) {
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0)));
    }
  }

  @Test
  void clientDisconnectingMidFrameLeavesTheServerServing() throws IOException {
    powerOn();
    try (TestClient c = command()) {
      c.send(Wire.u32(SEND_COMMAND), new byte[] {0}, Wire.u32(100), new byte[10]);
    }
    try (TestClient c = command()) {
      c.send(Wire.u32(SEND_COMMAND), new byte[] {0}); // no length at all
    }
    try (TestClient c = command()) {
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0)));
    }
    assertEquals(1, fake.commands().size());
  }

  @Test
  void garbageOnEitherPortNeverStopsTheServer() throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      byte[] garbage = new byte[4 + random.nextInt(64)]; // a whole code at least
      random.nextBytes(garbage);
      garbage[0] = (byte) 0xFF; // never a valid code, so the server must close
      try (TestClient c = (i % 2 == 0) ? command() : platform()) {
        c.send(garbage);
        if (i % 2 == 0) {
          c.expectClosed();
        } else {
          c.expect(Wire.u32(1));
          c.expectClosed();
        }
      }
    }
    powerOn();
    try (TestClient c = command()) {
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0)));
    }
  }

  @Test
  void powerOnIsANoOpWhenAlreadyOnAndPowerOffStopsCommands() throws IOException {
    try (TestClient p = platform();
        TestClient c = command()) {
      p.sendU32(SIGNAL_POWER_ON).expect(OK);
      p.sendU32(SIGNAL_POWER_ON).expect(OK);
      assertEquals(List.of("powerOn"), fake.events());
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0)));
      p.sendU32(SIGNAL_POWER_OFF).expect(OK);
      c.send(Wire.mssimCommand(0, Wire.readClock()));
      c.expect(Wire.mssimResponse(Wire.response(0x101)));
      p.sendU32(SIGNAL_POWER_ON).expect(OK);
      // After _TPM_Init the TPM needs TPM2_Startup again.
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0)));
    }
    assertEquals(List.of("powerOn", "powerOff", "powerOn"), fake.events());
  }

  @Test
  void physicalPresenceNvKeyCacheAndCancelSignals() throws IOException {
    try (TestClient p = platform()) {
      p.sendU32(SIGNAL_PHYS_PRES_ON).expect(OK);
      assertTrue(server.physicalPresence());
      p.sendU32(SIGNAL_PHYS_PRES_OFF).expect(OK);
      assertFalse(server.physicalPresence());
      p.sendU32(SIGNAL_NV_ON).expect(OK);
      assertTrue(server.nvAvailable());
      p.sendU32(SIGNAL_NV_OFF).expect(OK);
      assertFalse(server.nvAvailable());
      p.sendU32(SIGNAL_KEY_CACHE_ON).expect(OK);
      p.sendU32(SIGNAL_KEY_CACHE_OFF).expect(OK);
      p.sendU32(SIGNAL_CANCEL_ON).expect(OK);
      p.sendU32(SIGNAL_CANCEL_OFF).expect(OK);
    }
    assertEquals(List.of("cancel", "clearCancel"), fake.events());
  }

  @Test
  void resetAndRestartCycleThePowerOnlyWhenOn() throws IOException {
    try (TestClient p = platform()) {
      p.sendU32(SIGNAL_RESET).expect(OK);
      assertEquals(List.of(), fake.events());
      p.sendU32(SIGNAL_POWER_ON).expect(OK);
      p.sendU32(SIGNAL_RESET).expect(OK);
      p.sendU32(SIGNAL_RESTART).expect(OK);
    }
    assertEquals(List.of("powerOn", "powerOff", "powerOn", "powerOff", "powerOn"), fake.events());
  }

  @Test
  void getCommandResponseSizesReportsTheLargestAndStartsAgain() throws IOException {
    powerOn();
    try (TestClient c = command();
        TestClient p = platform()) {
      c.send(Wire.mssimCommand(0, Wire.startupClear())).read(18);
      c.send(Wire.mssimCommand(0, Wire.getRandom(8))).read(28);
      p.sendU32(GET_COMMAND_RESPONSE_SIZES);
      // u32 16; largest command 12 bytes (LE), its code as sent; largest response 20 (LE), its rc.
      p.expectHex("00000010 0c000000 00000144 14000000 00000000 00000000");
      p.sendU32(GET_COMMAND_RESPONSE_SIZES);
      p.expectHex("00000010 00000000 00000000 00000000 00000000 00000000");
    }
  }

  @Test
  void testFailureModeFailsEveryCommandUntilTheNextInit() throws IOException {
    try (TestClient p = platform();
        TestClient c = command()) {
      p.sendU32(SIGNAL_POWER_ON).expect(OK);
      p.sendU32(TEST_FAILURE_MODE).expect(OK);
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0x101)));
      p.sendU32(SIGNAL_POWER_OFF).expect(OK);
      p.sendU32(SIGNAL_POWER_ON).expect(OK);
      c.send(Wire.mssimCommand(0, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0)));
    }
  }

  @Test
  void unknownPlatformCodeIsAnsweredWithOneAndClosed() throws IOException {
    try (TestClient p = platform()) {
      p.sendU32(0x99).expect(Wire.u32(1));
      p.expectClosed();
    }
    try (TestClient p = platform()) {
      p.sendU32(SIGNAL_NV_ON).expect(OK);
    }
  }

  @Test
  void platformSessionEndClosesWithoutReply() throws IOException {
    try (TestClient p = platform()) {
      p.sendU32(SESSION_END).expectClosed();
    }
    try (TestClient p = platform()) {
      p.sendU32(SIGNAL_NV_ON).expect(OK);
    }
  }

  @Test
  void stopOnTheTpmPortStopsTheServer() throws Exception {
    try (TestClient c = command()) {
      c.sendU32(STOP).expectClosed();
    }
    assertTrue(awaitStop(server));
    assertThrows(IOException.class, this::command);
  }

  @Test
  void stopOnThePlatformPortStopsTheServer() throws Exception {
    try (TestClient p = platform()) {
      p.sendU32(STOP).expectClosed();
    }
    assertTrue(awaitStop(server));
  }

  @Test
  void stopIsIgnoredWhenTheOptionsSaySo() throws Exception {
    server.close();
    server =
        MssimServer.startTcp(
            tpm,
            InetAddress.getLoopbackAddress(),
            0,
            TpmServerOptions.defaults().withHonourStop(false));
    try (TestClient c = command()) {
      c.sendU32(STOP).expectClosed();
    }
    assertFalse(server.isStopped());
    try (TestClient c = command()) {
      c.sendU32(REMOTE_HANDSHAKE, 1).read(12);
    }
  }

  @Test
  void closeDisconnectsConnectedClients() throws Exception {
    try (TestClient c = command();
        TestClient p = platform()) {
      p.sendU32(SIGNAL_NV_ON).expect(OK);
      c.sendU32(REMOTE_HANDSHAKE, 1).read(12);
      server.close();
      c.expectClosed();
      p.expectClosed();
    }
    assertTrue(server.isStopped());
  }

  @Test
  void unixSocketsUsePathAndPathDotCtrl(@TempDir Path dir) throws Exception {
    server.close();
    Path path = dir.resolve("tpm");
    server = MssimServer.startUnix(tpm, path, TpmServerOptions.defaults());
    assertEquals(new Endpoint.Unix(dir.resolve("tpm.ctrl")), server.platformEndpoint());
    try (TestClient p = platform();
        TestClient c = command()) {
      p.sendU32(SIGNAL_POWER_ON).expect(OK);
      p.sendU32(SIGNAL_NV_ON).expect(OK);
      c.send(Wire.mssimCommand(3, Wire.startupClear()));
      c.expect(Wire.mssimResponse(Wire.response(0)));
      c.send(Wire.mssimCommand(3, Wire.readClock()));
      c.expect(Wire.mssimResponse(Wire.echoResponse(3, 0x181)));
    }
    try (TestClient c = command()) {
      c.send(Wire.u32(SEND_COMMAND), new byte[] {0}, Wire.u32(50), new byte[3]);
    }
    try (TestClient c = command()) {
      c.sendU32(REMOTE_HANDSHAKE, 1).expectHex("00000001 0000000d 00000000");
    }
    server.close();
    assertFalse(Files.exists(path));
    assertFalse(Files.exists(dir.resolve("tpm.ctrl")));
  }

  @Test
  void staleUnixSocketFileIsReplacedButARegularFileIsNot(@TempDir Path dir) throws Exception {
    server.close();
    Path path = dir.resolve("tpm");
    MssimServer first = MssimServer.startUnix(tpm, path, TpmServerOptions.defaults());
    // A crashed server leaves its socket files; simulate that by starting over them.
    MssimServer second = MssimServer.startUnix(tpm, path, TpmServerOptions.defaults());
    second.close();
    first.close();
    Path regular = dir.resolve("file");
    Files.writeString(regular, "not a socket");
    assertThrows(
        IOException.class, () -> MssimServer.startUnix(tpm, regular, TpmServerOptions.defaults()));
    assertEquals("not a socket", Files.readString(regular));
    server = MssimServer.startUnix(tpm, dir.resolve("tpm2"), TpmServerOptions.defaults());
  }

  static boolean awaitStop(MssimServer s) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!s.isStopped() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return s.isStopped();
  }
}
