package io.parasol.tpm.server;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmPlatform;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only TPM that checks transports, not TPM logic. It answers TPM2_Startup (success once,
 * then TPM_RC_INITIALIZE, like a real TPM), TPM2_GetRandom (with the bytes A0 A1 A2 …), a TPM 1.2
 * tag with TPM_RC_BAD_TAG, and any other command with a success response whose body is the locality
 * byte and the command code, so tests can see which locality a command arrived at. Platform signals
 * are recorded as {@link #events()}.
 */
final class FakeTpm implements TpmEngine, TpmPlatform {
  static final int TPM_CC_STARTUP = 0x144;
  static final int TPM_CC_GET_RANDOM = 0x17B;
  static final int TPM_CC_GET_CAPABILITY = 0x17A;
  static final int TPM_CAP_TPM_PROPERTIES = 6;
  static final int TPM_PT_MAX_DIGEST = 0x120; // PT_FIXED + 32, Part 2 §6.13
  static final int TPM_RC_SUCCESS = 0;
  static final int TPM_RC_BAD_TAG = 0x01E;
  static final int TPM_RC_INITIALIZE = 0x100;
  static final int TPM_RC_COMMAND_SIZE = 0x142;

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<byte[]> commands = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean overlapped = new AtomicBoolean();
  private volatile boolean poweredOn;
  private volatile boolean started;
  private volatile boolean established;
  private volatile long executeDelayMillis;

  @Override
  public byte[] execute(Locality locality, byte[] command) {
    if (inFlight.incrementAndGet() > 1) {
      overlapped.set(true);
    }
    try {
      if (executeDelayMillis > 0) {
        Thread.sleep(executeDelayMillis);
      }
      commands.add(command.clone());
      return answer(locality, command);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Wire.response(0x101);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private byte[] answer(Locality locality, byte[] command) {
    if (command.length < 10) {
      return Wire.response(TPM_RC_BAD_TAG);
    }
    int tag = ((command[0] & 0xFF) << 8) | (command[1] & 0xFF);
    if (tag != 0x8001 && tag != 0x8002) {
      return Wire.response(TPM_RC_BAD_TAG);
    }
    if (TpmResponses.getU32(command, 2) != command.length) {
      return Wire.response(TPM_RC_COMMAND_SIZE);
    }
    int code = TpmResponses.getU32(command, 6);
    if (code == TPM_CC_STARTUP) {
      if (started) {
        return Wire.response(TPM_RC_INITIALIZE);
      }
      started = true;
      return Wire.response(TPM_RC_SUCCESS);
    }
    if (!started) {
      return Wire.response(TPM_RC_INITIALIZE);
    }
    if (code == TPM_CC_GET_RANDOM && command.length >= 12) {
      int requested = ((command[10] & 0xFF) << 8) | (command[11] & 0xFF);
      return Wire.randomResponse(Math.min(requested, 32));
    }
    if (code == TPM_CC_GET_CAPABILITY
        && command.length >= 22
        && TpmResponses.getU32(command, 10) == TPM_CAP_TPM_PROPERTIES) {
      return propertyResponse(TpmResponses.getU32(command, 14));
    }
    byte[] body = new byte[5];
    body[0] = (byte) locality.number();
    TpmResponses.putU32(body, 1, code);
    return Wire.response(TPM_RC_SUCCESS, body);
  }

  /**
   * TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES) for one property (Part 3 §30.2): moreData NO, then
   * TPMS_CAPABILITY_DATA with one TPMS_TAGGED_PROPERTY, the first at or after {@code property}.
   * tpm2_getrandom reads the list from TPM_PT_FIXED and looks for TPM_PT_MAX_DIGEST (32, a SHA-256
   * TPM); this fake has no other property.
   */
  private static byte[] propertyResponse(int first) {
    if (Integer.compareUnsigned(first, TPM_PT_MAX_DIGEST) > 0) {
      byte[] empty = new byte[1 + 4 + 4];
      TpmResponses.putU32(empty, 1, TPM_CAP_TPM_PROPERTIES);
      return Wire.response(TPM_RC_SUCCESS, empty);
    }
    int property = TPM_PT_MAX_DIGEST;
    byte[] body = new byte[1 + 4 + 4 + 8];
    TpmResponses.putU32(body, 1, TPM_CAP_TPM_PROPERTIES);
    TpmResponses.putU32(body, 5, 1);
    TpmResponses.putU32(body, 9, property);
    TpmResponses.putU32(body, 13, 32);
    return Wire.response(TPM_RC_SUCCESS, body);
  }

  /** Platform signals in arrival order: "powerOn", "hashData:0102", "resetEstablished:3"… */
  List<String> events() {
    return events;
  }

  /** Commands the engine executed, in order. */
  List<byte[]> commands() {
    return commands;
  }

  /** True if two commands were ever inside {@link #execute} at once. */
  boolean overlapped() {
    return overlapped.get();
  }

  boolean started() {
    return started;
  }

  void setEstablished(boolean value) {
    established = value;
  }

  void setExecuteDelayMillis(long millis) {
    executeDelayMillis = millis;
  }

  @Override
  public void powerOn() {
    events.add("powerOn");
    poweredOn = true;
    started = false;
  }

  @Override
  public void powerOff() {
    events.add("powerOff");
    poweredOn = false;
    started = false;
  }

  @Override
  public boolean isPoweredOn() {
    return poweredOn;
  }

  @Override
  public void cancel() {
    events.add("cancel");
  }

  @Override
  public void clearCancel() {
    events.add("clearCancel");
  }

  @Override
  public void hashStart() {
    events.add("hashStart");
  }

  @Override
  public void hashData(byte[] data) {
    events.add("hashData:" + HexFormat.of().formatHex(data));
  }

  @Override
  public void hashEnd() {
    events.add("hashEnd");
  }

  @Override
  public boolean tpmEstablished() {
    return established;
  }

  @Override
  public int setBufferSize(int bytes) {
    events.add("bufferSize:" + bytes);
    return bytes;
  }

  @Override
  public void resetTpmEstablished(Locality locality) {
    events.add("resetEstablished:" + locality.number());
    established = false;
  }
}
