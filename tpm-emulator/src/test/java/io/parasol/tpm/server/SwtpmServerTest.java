package io.parasol.tpm.server;

import static io.parasol.tpm.server.SwtpmServer.CMD_CANCEL_TPM_CMD;
import static io.parasol.tpm.server.SwtpmServer.CMD_GET_CAPABILITY;
import static io.parasol.tpm.server.SwtpmServer.CMD_GET_CONFIG;
import static io.parasol.tpm.server.SwtpmServer.CMD_GET_INFO;
import static io.parasol.tpm.server.SwtpmServer.CMD_GET_STATEBLOB;
import static io.parasol.tpm.server.SwtpmServer.CMD_GET_TPMESTABLISHED;
import static io.parasol.tpm.server.SwtpmServer.CMD_HASH_DATA;
import static io.parasol.tpm.server.SwtpmServer.CMD_HASH_END;
import static io.parasol.tpm.server.SwtpmServer.CMD_HASH_START;
import static io.parasol.tpm.server.SwtpmServer.CMD_INIT;
import static io.parasol.tpm.server.SwtpmServer.CMD_RESET_TPMESTABLISHED;
import static io.parasol.tpm.server.SwtpmServer.CMD_SET_BUFFERSIZE;
import static io.parasol.tpm.server.SwtpmServer.CMD_SET_DATAFD;
import static io.parasol.tpm.server.SwtpmServer.CMD_SET_LOCALITY;
import static io.parasol.tpm.server.SwtpmServer.CMD_SET_STATEBLOB;
import static io.parasol.tpm.server.SwtpmServer.CMD_SHUTDOWN;
import static io.parasol.tpm.server.SwtpmServer.CMD_STOP;
import static io.parasol.tpm.server.SwtpmServer.CMD_STORE_VOLATILE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.parasol.tpm.Locality;
import io.parasol.tpm.server.sys.UnixSocketPeer;
import io.parasol.tpm.server.sys.UnixSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Byte-exact exchanges with {@link SwtpmServer}: data and control channels, TCP and Unix. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SwtpmServerTest {
  private static final String SUCCESS = "00000000";
  private static final String BAD_PARAMETER = "00000003";
  private static final String FAIL = "00000009";
  private static final String BAD_ORDINAL = "0000000a";
  private static final String IOERROR = "0000001f";
  private static final String BAD_LOCALITY = "0000003d";

  private final FakeTpm fake = new FakeTpm();
  private final SerializedTpm tpm = new SerializedTpm(fake, fake);
  private SwtpmServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        SwtpmServer.startTcp(tpm, InetAddress.getLoopbackAddress(), 0, TpmServerOptions.defaults());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestClient data() throws IOException {
    return TestClient.connect(server.dataEndpoint());
  }

  private TestClient ctrl() throws IOException {
    return TestClient.connect(server.controlEndpoint());
  }

  /** One control command on its own connection, as tpm2-tss's swtpm TCTI sends it. */
  private byte[] control(int replyBytes, byte[]... request) throws IOException {
    try (TestClient c = ctrl()) {
      c.send(Wire.concat(request));
      return c.read(replyBytes);
    }
  }

  private String controlHex(int replyBytes, byte[]... request) throws IOException {
    return Wire.hex(control(replyBytes, request));
  }

  /** One raw command on its own data connection, as tpm2-tss's swtpm TCTI sends it. */
  private byte[] transact(byte[] command) throws IOException {
    try (TestClient d = data()) {
      d.send(command);
      byte[] header = d.read(10);
      byte[] rest = d.read(TpmResponses.getU32(header, 2) - 10);
      return Wire.concat(header, rest);
    }
  }

  @Test
  void controlPortIsDataPortPlusOneAndTheTpmIsPoweredOnAtStart() {
    int dataPort = ((Endpoint.Tcp) server.dataEndpoint()).port();
    assertEquals(dataPort + 1, ((Endpoint.Tcp) server.controlEndpoint()).port());
    assertEquals(List.of("powerOn"), fake.events());
  }

  @Test
  void rawCommandsOnPerCommandConnections() throws IOException {
    assertArrayEquals(Wire.response(0), transact(Wire.startupClear()));
    assertArrayEquals(Wire.randomResponse(8), transact(Wire.getRandom(8)));
    assertArrayEquals(Wire.echoResponse(0, 0x181), transact(Wire.readClock()));
    assertArrayEquals(Wire.response(FakeTpm.TPM_RC_INITIALIZE), transact(Wire.startupClear()));
  }

  @Test
  void rawCommandsOnOnePersistentConnectionSentInPieces() throws IOException {
    try (TestClient d = data()) {
      byte[] startup = Wire.startupClear();
      d.send(java.util.Arrays.copyOf(startup, 3));
      d.send(java.util.Arrays.copyOfRange(startup, 3, startup.length));
      d.expect(Wire.response(0));
      d.send(Wire.getRandom(4)).expect(Wire.randomResponse(4));
    }
  }

  @Test
  void mssimFramedCommandsOnTheDataChannelCarryTheirLocality() throws IOException {
    try (TestClient d = data()) {
      d.send(Wire.mssimCommand(0, Wire.startupClear()));
      d.expect(Wire.mssimResponse(Wire.response(0)));
      d.send(Wire.mssimCommand(2, Wire.readClock()));
      d.expect(Wire.mssimResponse(Wire.echoResponse(2, 0x181)));
      d.send(Wire.mssimCommand(9, Wire.readClock()));
      d.expect(Wire.mssimResponse(Wire.response(0x907)));
      // Raw and framed may alternate on one connection.
      d.send(Wire.readClock()).expect(Wire.echoResponse(0, 0x181));
    }
  }

  @Test
  void tpm12TaggedCommandReachesTheEngineAsQemuProbesIt() throws IOException {
    // QEMU's tpm_util_test_tpmdev sends TPM_ORD_GetTicks with TPM 1.2 tag 0x00C1 first.
    assertArrayEquals(
        Wire.response(FakeTpm.TPM_RC_BAD_TAG), transact(Wire.hex("00c1 0000000a 000000f1")));
  }

  @Test
  void badDataFramesCloseTheConnectionOnly() throws IOException {
    try (TestClient d = data()) {
      d.send(Wire.hex("8001 00000005 0000")).expectClosed(); // below a header
    }
    try (TestClient d = data()) {
      d.send(Wire.hex("8001 7fffffff 00000144")).expectClosed(); // absurd size
    }
    try (TestClient d = data()) {
      d.send(Wire.hex("8001 00001001 00000144")).expectClosed(); // 4097 > buffer
    }
    try (TestClient d = data()) {
      d.send(Wire.hex("8001 00000100 00000144 00")); // truncated: the client leaves mid-frame
    }
    try (TestClient d = data()) {
      d.send(Wire.u32(8), new byte[] {0}, Wire.u32(0x10000)).expectClosed(); // framed, too long
    }
    assertTrue(fake.commands().isEmpty());
    assertArrayEquals(Wire.response(0), transact(Wire.startupClear()));
  }

  @Test
  void getCapabilityIsTheBitmapAlone() throws IOException {
    // INIT SHUTDOWN GET_TPMESTABLISHED SET_LOCALITY HASHING CANCEL RESET_TPMESTABLISHED STOP
    // GET_CONFIG SET_BUFFERSIZE GET_INFO SEND_COMMAND_HEADER; no SET_DATAFD over TCP.
    assertEquals("000000000000ecbf", controlHex(8, Wire.u32(CMD_GET_CAPABILITY)));
  }

  @Test
  void initPowerCyclesAndNeedsExactlyFourBytesOfFlags() throws IOException {
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_INIT, 0)));
    assertEquals(List.of("powerOn", "powerOff", "powerOn"), fake.events());
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_INIT, 1))); // DELETE_VOLATILE
    assertEquals(BAD_PARAMETER, controlHex(4, Wire.u32(CMD_INIT, 0, 0)));
    assertEquals(5, fake.events().size());
  }

  @Test
  void getTpmEstablishedIsEightBytesAsQemuReadsIt() throws IOException {
    assertEquals(
        "00000000 00000000".replace(" ", ""), controlHex(8, Wire.u32(CMD_GET_TPMESTABLISHED)));
    fake.setEstablished(true);
    assertEquals("0000000001000000", controlHex(8, Wire.u32(CMD_GET_TPMESTABLISHED)));
  }

  @Test
  void setLocalityWithOneByteOrQemusFourByteUnion() throws IOException {
    transact(Wire.startupClear());
    // tpm2-tss: u32 code, u8 locality.
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_SET_LOCALITY), new byte[] {3}));
    assertEquals(Locality.THREE, server.locality());
    assertArrayEquals(Wire.echoResponse(3, 0x181), transact(Wire.readClock()));
    // QEMU: sizeof(ptm_loc) = 4 bytes; the padding must not be read as a next request.
    try (TestClient c = ctrl()) {
      c.send(Wire.u32(CMD_SET_LOCALITY), new byte[] {4, 0, 0, 0});
      c.expectHex(SUCCESS);
      c.sendU32(CMD_GET_CONFIG).expectHex("00000000 00000000");
    }
    assertArrayEquals(Wire.echoResponse(4, 0x181), transact(Wire.readClock()));
    assertEquals(BAD_LOCALITY, controlHex(4, Wire.u32(CMD_SET_LOCALITY), new byte[] {5}));
    assertEquals(Locality.FOUR, server.locality());
  }

  @Test
  void hashSequence() throws IOException {
    try (TestClient c = ctrl()) {
      c.sendU32(CMD_HASH_START).expectHex(SUCCESS);
      c.send(Wire.u32(CMD_HASH_DATA, 2), Wire.hex("abcd")).expectHex(SUCCESS);
      c.sendU32(CMD_HASH_END).expectHex(SUCCESS);
    }
    assertEquals(List.of("powerOn", "hashStart", "hashData:abcd", "hashEnd"), fake.events());
  }

  @Test
  void hashDataAbove4096BytesIsRefusedAndClosed() throws IOException {
    try (TestClient c = ctrl()) {
      c.sendU32(CMD_HASH_DATA, 4097).expectHex(BAD_PARAMETER);
      c.expectClosed();
    }
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_HASH_START)));
  }

  @Test
  void cancelStoreVolatileAndResetEstablished() throws IOException {
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_CANCEL_TPM_CMD)));
    assertEquals(FAIL, controlHex(4, Wire.u32(CMD_STORE_VOLATILE)));
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_RESET_TPMESTABLISHED), new byte[] {3}));
    // QEMU sends the 4-byte union here too.
    assertEquals(
        SUCCESS, controlHex(4, Wire.u32(CMD_RESET_TPMESTABLISHED), new byte[] {4, 0, 0, 0}));
    assertEquals(BAD_LOCALITY, controlHex(4, Wire.u32(CMD_RESET_TPMESTABLISHED), new byte[] {9}));
    assertEquals(
        List.of("powerOn", "cancel", "resetEstablished:3", "resetEstablished:4"), fake.events());
    // Write-only commands take no payload.
    assertEquals(BAD_PARAMETER, controlHex(4, Wire.u32(CMD_CANCEL_TPM_CMD, 0)));
  }

  @Test
  void stopHaltsTheTpmUntilInit() throws IOException {
    transact(Wire.startupClear());
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_STOP)));
    assertArrayEquals(Wire.response(0x101), transact(Wire.readClock()));
    assertEquals(BAD_ORDINAL, controlHex(4, Wire.u32(CMD_GET_TPMESTABLISHED)));
    assertEquals(BAD_ORDINAL, controlHex(4, Wire.u32(CMD_HASH_START)));
    assertEquals(BAD_ORDINAL, controlHex(4, Wire.u32(CMD_GET_STATEBLOB, 1, 1, 0)));
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_INIT, 0)));
    assertArrayEquals(Wire.response(0), transact(Wire.startupClear()));
  }

  @Test
  void stateBlobsAreRefusedWithFullLayouts() throws IOException {
    // GET_STATEBLOB: the 16-byte ptm_getstate response header QEMU reads, no data.
    assertEquals(
        FAIL + "00000000 00000000 00000000".replace(" ", ""),
        controlHex(16, Wire.u32(CMD_GET_STATEBLOB, 1, 1, 0)));
    try (TestClient c = ctrl()) {
      // SET_STATEBLOB: header and body are consumed; the connection stays usable.
      c.send(Wire.u32(CMD_SET_STATEBLOB, 0, 1, 5), Wire.hex("0102030405"));
      c.expectHex(BAD_ORDINAL); // running
      c.sendU32(CMD_STOP).expectHex(SUCCESS);
      c.send(Wire.u32(CMD_SET_STATEBLOB, 0, 1, 3), Wire.hex("010203"));
      c.expectHex(FAIL);
      c.sendU32(CMD_SET_STATEBLOB, 0, 1, 0x7FFFFFFF).expectHex(BAD_PARAMETER);
      c.expectClosed();
    }
  }

  @Test
  void getConfigAndSetDataFdWithoutADescriptor() throws IOException {
    assertEquals("0000000000000000", controlHex(8, Wire.u32(CMD_GET_CONFIG)));
    assertEquals(BAD_PARAMETER, controlHex(4, Wire.u32(CMD_SET_DATAFD)));
  }

  @Test
  void setBufferSizeQueriesAndSetsOnlyWhileStopped() throws IOException {
    assertEquals(
        "00000000 00001000 00000af8 00001000".replace(" ", ""),
        controlHex(16, Wire.u32(CMD_SET_BUFFERSIZE, 0)));
    assertEquals(BAD_ORDINAL, controlHex(4, Wire.u32(CMD_SET_BUFFERSIZE, 3000)));
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_STOP)));
    assertEquals(
        "00000000 00000bb8 00000af8 00001000".replace(" ", ""),
        controlHex(16, Wire.u32(CMD_SET_BUFFERSIZE, 3000)));
    assertEquals(
        "00000000 00000af8 00000af8 00001000".replace(" ", ""),
        controlHex(16, Wire.u32(CMD_SET_BUFFERSIZE, 100)));
    assertEquals(
        "00000000 00001000 00000af8 00001000".replace(" ", ""),
        controlHex(16, Wire.u32(CMD_SET_BUFFERSIZE, 1 << 20)));
    controlHex(16, Wire.u32(CMD_SET_BUFFERSIZE, 3000));
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_INIT, 0)));
    // A command above the buffer size now closes the data connection.
    byte[] big = new byte[3500];
    System.arraycopy(Wire.hex("8001 00000dac 00000181"), 0, big, 0, 10);
    try (TestClient d = data()) {
      d.send(big).expectClosed();
    }
  }

  @Test
  void getInfoReturnsNulTerminatedJsonFromAnOffset() throws IOException {
    String spec = "{\"TPMSpecification\":{\"family\":\"2.0\",\"level\":0,\"revision\":159}}";
    byte[] reply = control(12 + spec.length() + 1, Wire.u32(CMD_GET_INFO, 0, 1, 0, 0));
    assertEquals(SUCCESS, Wire.hex(java.util.Arrays.copyOf(reply, 4)));
    assertEquals(spec.length() + 1, TpmResponses.getU32(reply, 4)); // totlength
    assertEquals(spec.length() + 1, TpmResponses.getU32(reply, 8)); // length
    assertEquals(spec + "\0", new String(reply, 12, reply.length - 12, StandardCharsets.US_ASCII));

    String both =
        "{\"TPMSpecification\":{\"family\":\"2.0\",\"level\":0,\"revision\":159},"
            + "\"TPMAttributes\":{\"manufacturer\":\"id:5052534C\",\"version\":\"id:20260101\","
            + "\"model\":\"parasol\"}}";
    byte[] tail = control(12 + 11, Wire.u32(CMD_GET_INFO, 0, 3, both.length() - 10, 0));
    assertEquals(both.length() + 1, TpmResponses.getU32(tail, 4));
    assertEquals(11, TpmResponses.getU32(tail, 8));
    assertEquals(
        both.substring(both.length() - 10) + "\0",
        new String(tail, 12, 11, StandardCharsets.US_ASCII));

    assertEquals(BAD_PARAMETER, controlHex(4, Wire.u32(CMD_GET_INFO, 0, 1, 1000, 0)));
  }

  @Test
  void unknownControlCodeIsAnsweredAndTheConnectionStays() throws IOException {
    try (TestClient c = ctrl()) {
      c.sendU32(0x77).expectHex(BAD_ORDINAL);
      c.sendU32(CMD_GET_CONFIG).expectHex("00000000 00000000");
    }
  }

  @Test
  void controlClientLeavingMidFrameAndTheNextOneIsServed() throws IOException {
    try (TestClient c = ctrl()) {
      c.send(Wire.hex("0000"));
    }
    try (TestClient c = ctrl()) {
      c.send(Wire.u32(CMD_HASH_DATA, 100), new byte[10]);
    }
    assertEquals("000000000000ecbf", controlHex(8, Wire.u32(CMD_GET_CAPABILITY)));
    assertFalse(fake.events().stream().anyMatch(e -> e.startsWith("hashData")));
  }

  @Test
  void shutdownStopsTheServer() throws Exception {
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_SHUTDOWN)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!server.isStopped() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(server.isStopped());
    assertFalse(fake.isPoweredOn());
  }

  @Test
  void shutdownIsRefusedWhenTheOptionsSaySo() throws IOException {
    server.close();
    server =
        SwtpmServer.startTcp(
            tpm,
            InetAddress.getLoopbackAddress(),
            0,
            TpmServerOptions.defaults().withHonourStop(false));
    assertEquals(BAD_ORDINAL, controlHex(4, Wire.u32(CMD_SHUTDOWN)));
    assertFalse(server.isStopped());
  }

  @Test
  void commandsFromTwoServersAndManyClientsAreSerialised() throws Exception {
    fake.setExecuteDelayMillis(1);
    transact(Wire.startupClear());
    MssimServer mssim =
        MssimServer.startTcp(tpm, InetAddress.getLoopbackAddress(), 0, TpmServerOptions.defaults());
    try {
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (TestClient c = TestClient.connect(mssim.commandEndpoint())) {
                      for (int i = 0; i < 30; i++) {
                        c.send(Wire.mssimCommand(1, Wire.readClock()));
                        c.expect(Wire.mssimResponse(Wire.echoResponse(1, 0x181)));
                      }
                    } catch (Throwable t) {
                      failures.add(t);
                    }
                  }));
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < 30; i++) {
                        assertArrayEquals(Wire.echoResponse(0, 0x181), transact(Wire.readClock()));
                      }
                    } catch (Throwable t) {
                      failures.add(t);
                    }
                  }));
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(List.of(), failures);
      assertEquals(61, fake.commands().size());
      assertFalse(fake.overlapped(), "two commands ran in the engine at once");
    } finally {
      mssim.close();
    }
  }

  @Test
  void unixSocketsUsePathAndPathDotCtrl(@TempDir Path dir) throws Exception {
    server.close();
    Path path = dir.resolve("swtpm");
    server = SwtpmServer.startUnix(tpm, path, TpmServerOptions.defaults());
    assertEquals(new Endpoint.Unix(dir.resolve("swtpm.ctrl")), server.controlEndpoint());
    long caps = UnixSockets.isSupported() ? 0xfcbfL : 0xecbfL; // + SET_DATAFD where it works
    assertEquals(String.format("%016x", caps), controlHex(8, Wire.u32(CMD_GET_CAPABILITY)));
    assertEquals(SUCCESS, controlHex(4, Wire.u32(CMD_SET_LOCALITY), new byte[] {2}));
    assertArrayEquals(Wire.response(0), transact(Wire.startupClear()));
    assertArrayEquals(Wire.echoResponse(2, 0x181), transact(Wire.readClock()));
    try (TestClient c = ctrl()) {
      c.sendU32(0x1234).expectHex(BAD_ORDINAL);
    }
    server.close();
    assertFalse(Files.exists(path));
    assertFalse(Files.exists(dir.resolve("swtpm.ctrl")));
  }

  /**
   * What QEMU 7.2's {@code tpm_emulator} backend does (backends/tpm/tpm_emulator.c): a control
   * channel only, SET_DATAFD with one end of a socket pair, the probe on the data socket,
   * GET_CAPABILITY, STOP + SET_BUFFERSIZE, INIT, SET_LOCALITY with 4-byte unions, commands.
   */
  @Test
  void qemuStyleSessionWithAPassedDataSocket(@TempDir Path dir) throws Throwable {
    assumeTrue(UnixSockets.isSupported(), "descriptor passing needs LP64 Linux");
    server.close();
    Path ctrlPath = dir.resolve("swtpm-sock");
    server = SwtpmServer.start(tpm, null, new Endpoint.Unix(ctrlPath), TpmServerOptions.defaults());
    assertNull(server.dataEndpoint());
    int ctrl = UnixSocketPeer.connect(ctrlPath);
    int[] pair = UnixSocketPeer.socketPair();
    try {
      UnixSocketPeer.send(ctrl, Wire.u32(CMD_SET_DATAFD), pair[1]);
      UnixSockets.close(pair[1]);
      assertEquals(SUCCESS, Wire.hex(UnixSocketPeer.readFully(ctrl, 4)));
      int dataFd = pair[0];

      // tpm_util_test_tpmdev: a TPM 1.2 probe, answered by the engine.
      UnixSocketPeer.send(dataFd, Wire.hex("00c1 0000000a 000000f1"), -1);
      assertArrayEquals(
          Wire.response(FakeTpm.TPM_RC_BAD_TAG), UnixSocketPeer.readFully(dataFd, 10));

      UnixSocketPeer.send(ctrl, Wire.u32(CMD_GET_CAPABILITY), -1);
      assertEquals("000000000000fcbf", Wire.hex(UnixSocketPeer.readFully(ctrl, 8)));
      UnixSocketPeer.send(ctrl, Wire.u32(CMD_STOP), -1);
      assertEquals(SUCCESS, Wire.hex(UnixSocketPeer.readFully(ctrl, 4)));
      UnixSocketPeer.send(ctrl, Wire.u32(CMD_SET_BUFFERSIZE, 4096), -1);
      assertEquals(
          "00000000 00001000 00000af8 00001000".replace(" ", ""),
          Wire.hex(UnixSocketPeer.readFully(ctrl, 16)));
      UnixSocketPeer.send(ctrl, Wire.u32(CMD_INIT, 0), -1);
      assertEquals(SUCCESS, Wire.hex(UnixSocketPeer.readFully(ctrl, 4)));
      UnixSocketPeer.send(ctrl, Wire.concat(Wire.u32(CMD_SET_LOCALITY), Wire.hex("00000000")), -1);
      assertEquals(SUCCESS, Wire.hex(UnixSocketPeer.readFully(ctrl, 4)));
      UnixSocketPeer.send(ctrl, Wire.u32(CMD_GET_TPMESTABLISHED), -1);
      assertEquals("0000000000000000", Wire.hex(UnixSocketPeer.readFully(ctrl, 8)));

      UnixSocketPeer.send(dataFd, Wire.startupClear(), -1);
      assertArrayEquals(Wire.response(0), UnixSocketPeer.readFully(dataFd, 10));
      UnixSocketPeer.send(dataFd, Wire.getRandom(8), -1);
      assertArrayEquals(Wire.randomResponse(8), UnixSocketPeer.readFully(dataFd, 20));

      // A second data socket while the first is served is refused, and not leaked.
      int[] second = UnixSocketPeer.socketPair();
      UnixSocketPeer.send(ctrl, Wire.u32(CMD_SET_DATAFD), second[1]);
      assertEquals(IOERROR, Wire.hex(UnixSocketPeer.readFully(ctrl, 4)));
      UnixSockets.close(second[1]);
      assertEquals(0, UnixSocketPeer.readFully(second[0], 1).length, "server closed its copy");
      UnixSockets.close(second[0]);

      // A descriptor sent with any other command is closed, not kept.
      int[] stray = UnixSocketPeer.socketPair();
      UnixSocketPeer.send(ctrl, Wire.u32(CMD_GET_CONFIG), stray[1]);
      assertEquals("0000000000000000", Wire.hex(UnixSocketPeer.readFully(ctrl, 8)));
      UnixSockets.close(stray[1]);
      assertEquals(0, UnixSocketPeer.readFully(stray[0], 1).length, "server closed its copy");
      UnixSockets.close(stray[0]);

      // Closing the server ends the passed data socket too.
      server.close();
      assertEquals(0, UnixSocketPeer.readFully(dataFd, 1).length);
      assertEquals(0, UnixSocketPeer.readFully(ctrl, 1).length);
    } finally {
      UnixSockets.close(pair[0]);
      UnixSockets.close(ctrl);
    }
  }
}
