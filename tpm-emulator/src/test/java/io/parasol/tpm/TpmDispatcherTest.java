package io.parasol.tpm;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Header, handle-area and authorisation-area checks of the dispatcher (Part 3 §5, Part 1 §18). */
class TpmDispatcherTest extends TpmTestSupport {

  private static final byte[] GET_RANDOM_8 = HexFormat.of().parseHex("80010000000c0000017b0008");

  @Test
  void emptyAndShortInputGetBadTagWithTpm12Tag() {
    for (byte[] in : new byte[][] {new byte[0], {(byte) 0x80}, {0x00, (byte) 0xC1, 0, 0}}) {
      TpmResponse r = run(in);
      assertEquals(TpmSt.RSP_COMMAND, r.tag());
      assertEquals(TpmRc.BAD_TAG, r.rc());
      assertEquals(10, r.size());
    }
  }

  @Test
  void truncatedHeaderIsCommandSize() {
    TpmResponse r = run(Arrays.copyOf(GET_RANDOM_8, 7));
    assertEquals(TpmSt.NO_SESSIONS, r.tag());
    assertEquals(TpmRc.COMMAND_SIZE, r.rc());
  }

  @Test
  void sizeFieldMustMatchTheBytesReceived() {
    startup();
    assertEquals(TpmRc.COMMAND_SIZE, run(Arrays.copyOf(GET_RANDOM_8, 11)).rc());
    byte[] longer = Arrays.copyOf(GET_RANDOM_8, 13);
    assertEquals(TpmRc.COMMAND_SIZE, run(longer).rc());
  }

  @Test
  void oversizedCommandIsCommandSize() {
    byte[] big = new byte[TpmLimits.MAX_COMMAND_SIZE + 1];
    System.arraycopy(GET_RANDOM_8, 0, big, 0, 10);
    big[2] = 0;
    big[3] = 0;
    big[4] = (byte) (big.length >>> 8);
    big[5] = (byte) big.length;
    assertEquals(TpmRc.COMMAND_SIZE, run(big).rc());
  }

  @Test
  void unknownCommandCode() {
    startup();
    byte[] cmd = GET_RANDOM_8.clone();
    cmd[9] = 0x7F; // 0x0000017F is PolicyPCR, not implemented here; use a code that never exists
    cmd[6] = 0x12;
    assertEquals(TpmRc.COMMAND_CODE, run(cmd).rc());
  }

  @Test
  void commandsBeforeStartupAreInitialize() {
    assertEquals(TpmRc.INITIALIZE, run(GET_RANDOM_8).rc());
    startup();
    TpmResponse r = run(GET_RANDOM_8);
    assertEquals(TpmRc.SUCCESS, r.rc());
    assertEquals(10 + 2 + 8, r.size());
  }

  @Test
  void secondStartupIsInitialize() {
    startup();
    expect(TpmRc.INITIALIZE, command(TpmCc.STARTUP).params(w -> w.writeU16(0)));
  }

  @Test
  void trailingParameterBytesAreSize() {
    startup();
    expect(TpmRc.SIZE, command(TpmCc.GET_RANDOM).params(w -> w.writeU16(8).writeU8(0)));
  }

  @Test
  void missingParameterIsInsufficientWithItsNumber() {
    startup();
    // GetCapability has three UINT32 parameters; give one and a half.
    expect(
        TpmRc.parameter(TpmRc.INSUFFICIENT, 2),
        command(TpmCc.GET_CAPABILITY).params(w -> w.writeU32(6).writeU16(1)));
  }

  @Test
  void handleOfWrongTypeIsValueWithHandleNumber() {
    startup();
    // PCR_Reset takes TPMI_DH_PCR: an NV index is of the wrong type.
    expect(TpmRc.handle(TpmRc.VALUE, 1), command(TpmCc.PCR_RESET).handle(0x0100_0001).password());
    // PCR 24 does not exist.
    expect(TpmRc.handle(TpmRc.VALUE, 1), command(TpmCc.PCR_RESET).handle(24).password());
  }

  @Test
  void missingHandleIsInsufficientWithHandleNumber() {
    startup();
    byte[] cmd = HexFormat.of().parseHex("80010000000d" + "0000013d" + "000010");
    assertEquals(TpmRc.handle(TpmRc.INSUFFICIENT, 1), run(cmd).rc());
  }

  @Test
  void authorisationNeededButNoSessionsIsAuthMissing() {
    startup();
    expect(TpmRc.AUTH_MISSING, command(TpmCc.PCR_RESET).handle(16));
  }

  @Test
  void authorizationSizeOutOfRangeIsAuthSize() {
    startup();
    // authorizationSize 0 (below the 9 octets of one session)
    expect(TpmRc.AUTHSIZE, command(TpmCc.PCR_RESET).handle(16).sessionsTag());
    // authorizationSize larger than what follows
    byte[] cmd = command(TpmCc.PCR_RESET).handle(16).password().build();
    cmd[17] = 0x7F;
    assertEquals(TpmRc.AUTHSIZE, run(cmd).rc());
  }

  @Test
  void fourSessionsAreTooMany() {
    startup();
    expect(
        TpmRc.session(TpmRc.SIZE, 4),
        command(TpmCc.PCR_RESET).handle(16).password().password().password().password());
  }

  @Test
  void passwordSessionWithNonceIsNonce() {
    startup();
    expect(
        TpmRc.session(TpmRc.NONCE, 1),
        command(TpmCc.PCR_RESET).handle(16).session(TpmHandle.RS_PW, new byte[16], 1, new byte[0]));
  }

  @Test
  void passwordSessionWithEncryptIsAttributes() {
    startup();
    expect(
        TpmRc.session(TpmRc.ATTRIBUTES, 1),
        command(TpmCc.PCR_RESET)
            .handle(16)
            .session(TpmHandle.RS_PW, new byte[0], 0x41, new byte[0]));
  }

  @Test
  void unloadedSessionIsReferenceS0() {
    startup();
    expect(
        TpmRc.REFERENCE_S0,
        command(TpmCc.PCR_RESET)
            .handle(16)
            .session(TpmHandle.HMAC_SESSION_FIRST, new byte[16], 1, new byte[32]));
  }

  @Test
  void sessionsOnACommandThatTakesNoneIsAuthContext() {
    startup();
    expect(
        TpmRc.AUTH_CONTEXT,
        command(TpmCc.FLUSH_CONTEXT).password().params(w -> w.writeU32(0x0200_0000)));
  }

  @Test
  void responseWithPasswordSessionHasParameterSizeAndEmptyAuth() {
    startup();
    TpmResponse r = expect(TpmRc.SUCCESS, command(TpmCc.PCR_RESET).handle(16).password());
    assertEquals(TpmSt.SESSIONS, r.tag());
    // parameterSize 0, then TPMS_AUTH_RESPONSE: nonce (empty), continueSession, hmac (empty).
    assertArrayEquals(HexFormat.of().parseHex("00000000" + "0000" + "01" + "0000"), r.bodyBytes());
  }

  @Test
  void tenThousandRandomInputsAlwaysGetAResponse() {
    startup();
    Random random = new Random(20240601);
    for (int i = 0; i < 10_000; i++) {
      byte[] in = new byte[random.nextInt(64)];
      random.nextBytes(in);
      if (in.length >= 2 && random.nextBoolean()) {
        in[0] = (byte) 0x80;
        in[1] = (byte) (random.nextBoolean() ? 0x01 : 0x02);
      }
      if (in.length >= 10 && random.nextBoolean()) {
        in[2] = 0;
        in[3] = 0;
        in[4] = (byte) (in.length >>> 8);
        in[5] = (byte) in.length;
        in[6] = 0;
        in[7] = 0;
        in[8] = 1;
        in[9] = (byte) (0x1F + random.nextInt(0x80));
      }
      TpmResponse r = run(in);
      assertTrue(r.size() >= 10);
    }
  }

  @Test
  void mutatedValidCommandsAlwaysGetAResponse() {
    startup();
    byte[][] seeds = {
      GET_RANDOM_8,
      command(TpmCc.PCR_EXTEND)
          .handle(16)
          .password()
          .params(w -> w.writeU32(1).writeU16(TpmAlgId.SHA256).writeBytes(new byte[32]))
          .build(),
      command(TpmCc.GET_CAPABILITY)
          .params(w -> w.writeU32(6).writeU32(0x100).writeU32(127))
          .build(),
      command(TpmCc.START_AUTH_SESSION)
          .handle(TpmHandle.RH_NULL)
          .handle(TpmHandle.RH_NULL)
          .params(
              w ->
                  w.write2B(new byte[16])
                      .write2B(new byte[0])
                      .writeU8(0)
                      .writeU16(TpmAlgId.NULL)
                      .writeU16(TpmAlgId.SHA256))
          .build(),
    };
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      byte[] in = seeds[random.nextInt(seeds.length)].clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        in[10 + random.nextInt(in.length - 10)] = (byte) random.nextInt(256);
      }
      TpmResponse r = run(in);
      assertTrue(r.size() >= 10);
      // Flush whatever sessions the mutations managed to start, so later ones can start too.
      for (int s = 0; s < 64; s++) {
        tpm.state().sessions().flush(TpmHandle.HMAC_SESSION_FIRST + s);
        tpm.state().sessions().flush(TpmHandle.POLICY_SESSION_FIRST + s);
      }
    }
  }

  @Test
  void poweredOffTpmAnswersFailure() {
    startup();
    tpm.powerOff();
    assertEquals(TpmRc.FAILURE, run(GET_RANDOM_8).rc());
    tpm.powerOn();
    assertEquals(TpmRc.INITIALIZE, run(GET_RANDOM_8).rc());
  }
}
