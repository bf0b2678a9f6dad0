package io.parasol.paravisor.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.IoValue;
import io.parasol.tpm.Locality;
import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmPlatform;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRB's registers and state machine driven as the PTP's flows (and Linux's {@code tpm_crb})
 * drive them: locality request/relinquish, cmdReady, command, START polled until 0, response,
 * goIdle, cancel; then TPM2_Startup and TPM2_GetRandom through a real engine.
 */
class TpmCrbTest {
  /** Commands queue here until the test runs them, so "in flight" is a state a test can see. */
  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();

  private final FakeTpm fake = new FakeTpm();
  private final TpmCrb crb = new TpmCrb(TpmCrb.DEFAULT_BASE, fake, fake, pending::add);

  /** Answers every command with a 12-byte response echoing its command code's low bytes. */
  static final class FakeTpm implements TpmEngine, TpmPlatform {
    final List<byte[]> commands = new ArrayList<>();
    boolean poweredOn;
    int powerOns;
    int powerOffs;
    boolean cancelled;

    @Override
    public byte[] execute(Locality locality, byte[] command) {
      assertEquals(Locality.ZERO, locality);
      commands.add(command);
      if (cancelled) {
        return new byte[] {(byte) 0x80, 1, 0, 0, 0, 10, 0, 0, 0x09, 0x09}; // TPM_RC_CANCELED
      }
      return new byte[] {(byte) 0x80, 1, 0, 0, 0, 12, 0, 0, 0, 0, command[8], command[9]};
    }

    @Override
    public void powerOn() {
      poweredOn = true;
      powerOns++;
    }

    @Override
    public void powerOff() {
      poweredOn = false;
      powerOffs++;
    }

    @Override
    public boolean isPoweredOn() {
      return poweredOn;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public void clearCancel() {
      cancelled = false;
    }

    @Override
    public void hashStart() {}

    @Override
    public void hashData(byte[] data) {}

    @Override
    public void hashEnd() {}

    @Override
    public boolean tpmEstablished() {
      return false;
    }

    @Override
    public void resetTpmEstablished(Locality locality) {}

    @Override
    public int setBufferSize(int bytes) {
      return bytes;
    }
  }

  private long read(TpmCrb device, int offset, AccessSize size) {
    IoValue v = IoValue.forRead(size);
    assertEquals(IoStatus.OK, device.readMmio(device.region(), offset, v));
    return v.value();
  }

  private int read32(int offset) {
    return (int) read(crb, offset, AccessSize.DWORD);
  }

  private void write(TpmCrb device, int offset, AccessSize size, long value) {
    assertEquals(IoStatus.OK, device.writeMmio(device.region(), offset, new IoValue(size, value)));
  }

  private void write32(int offset, int value) {
    write(crb, offset, AccessSize.DWORD, value);
  }

  /** Writes bytes into the data buffer as memcpy_toio would: 8 bytes at a time, then the rest. */
  private static void writeBuffer(TpmCrb device, byte[] bytes, TpmCrbTest t) {
    int i = 0;
    for (; i + 8 <= bytes.length; i += 8) {
      long v = 0;
      for (int k = 0; k < 8; k++) {
        v |= (bytes[i + k] & 0xFFL) << (8 * k);
      }
      t.write(device, TpmCrb.DATA_BUFFER_OFFSET + i, AccessSize.QWORD, v);
    }
    for (; i < bytes.length; i++) {
      t.write(device, TpmCrb.DATA_BUFFER_OFFSET + i, AccessSize.BYTE, bytes[i] & 0xFF);
    }
  }

  private static byte[] readBuffer(TpmCrb device, int length, TpmCrbTest t) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) t.read(device, TpmCrb.DATA_BUFFER_OFFSET + i, AccessSize.BYTE);
    }
    return out;
  }

  private static byte[] command(int code, int extraBytes) {
    byte[] c = new byte[10 + extraBytes];
    c[0] = (byte) 0x80;
    c[1] = 0x01;
    c[5] = (byte) c.length;
    c[6] = (byte) (code >>> 24);
    c[7] = (byte) (code >>> 16);
    c[8] = (byte) (code >>> 8);
    c[9] = (byte) code;
    return c;
  }

  private void requestLocalityAndReady() {
    write32(TpmCrb.TPM_LOC_CTRL, TpmCrb.LOC_CTRL_REQUEST_ACCESS);
    write32(TpmCrb.TPM_CRB_CTRL_REQ, TpmCrb.CTRL_REQ_CMD_READY);
  }

  @Test
  void interfaceIdAdvertisesCrbOnlyWithoutLocalitiesOrIdleBypass() {
    long id = read(crb, TpmCrb.TPM_CRB_INTF_ID, AccessSize.QWORD);
    assertEquals(1, id & 0xF, "InterfaceType: CRB");
    assertEquals(1, (id >>> 4) & 0xF, "InterfaceVersion: CRB");
    assertEquals(0, (id >>> 8) & 1, "CapLocality");
    assertEquals(0, (id >>> 9) & 1, "CapCRBIdleBypass");
    assertEquals(3, (id >>> 11) & 3, "CapDataXferSizeSupport: 64 bytes");
    assertEquals(0, (id >>> 13) & 1, "CapFIFO");
    assertEquals(1, (id >>> 14) & 1, "CapCRB");
    assertEquals(1, (id >>> 17) & 3, "InterfaceSelector: CRB");
    // The two dword halves read the same as the qword.
    assertEquals((int) id, read32(TpmCrb.TPM_CRB_INTF_ID));
    assertEquals((int) (id >>> 32), read32(TpmCrb.TPM_CRB_INTF_ID + 4));
  }

  @Test
  void bufferRegistersNameTheOneBufferAt0x80() {
    long buffer = TpmCrb.DEFAULT_BASE + 0x80;
    assertEquals(3968, read32(TpmCrb.TPM_CRB_CTRL_CMD_SIZE));
    assertEquals(3968, read32(TpmCrb.TPM_CRB_CTRL_RSP_SIZE));
    assertEquals(buffer, read32(TpmCrb.TPM_CRB_CTRL_CMD_LADDR) & 0xFFFFFFFFL);
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_CMD_HADDR));
    assertEquals(buffer, read(crb, TpmCrb.TPM_CRB_CTRL_RSP_ADDR, AccessSize.QWORD));
    // Read-only: a write changes nothing.
    write32(TpmCrb.TPM_CRB_CTRL_CMD_SIZE, 16);
    assertEquals(3968, read32(TpmCrb.TPM_CRB_CTRL_CMD_SIZE));
    assertEquals(0xFED40040L, crb.controlAreaAddress());
  }

  @Test
  void localityRequestGrantRelinquish() {
    int state = read32(TpmCrb.TPM_LOC_STATE);
    assertEquals(TpmCrb.LOC_STATE_REG_VALID_STS, state & TpmCrb.LOC_STATE_REG_VALID_STS);
    assertEquals(0, state & TpmCrb.LOC_STATE_LOC_ASSIGNED);
    assertEquals(0, read32(TpmCrb.TPM_LOC_STS));

    write32(TpmCrb.TPM_LOC_CTRL, TpmCrb.LOC_CTRL_REQUEST_ACCESS);
    state = read32(TpmCrb.TPM_LOC_STATE);
    assertEquals(TpmCrb.LOC_STATE_LOC_ASSIGNED, state & TpmCrb.LOC_STATE_LOC_ASSIGNED);
    assertEquals(0, (state >>> 2) & 7, "active locality 0");
    assertEquals(TpmCrb.LOC_STS_GRANTED, read32(TpmCrb.TPM_LOC_STS) & TpmCrb.LOC_STS_GRANTED);

    write32(TpmCrb.TPM_LOC_CTRL, TpmCrb.LOC_CTRL_RELINQUISH);
    assertEquals(0, read32(TpmCrb.TPM_LOC_STATE) & TpmCrb.LOC_STATE_LOC_ASSIGNED);
    assertEquals(0, read32(TpmCrb.TPM_LOC_STS));
  }

  @Test
  void cmdReadyAndGoIdleNeedTheLocalityAndCompleteAtOnce() {
    assertEquals(TpmCrb.CTRL_STS_TPM_IDLE, read32(TpmCrb.TPM_CRB_CTRL_STS), "starts idle");
    write32(TpmCrb.TPM_CRB_CTRL_REQ, TpmCrb.CTRL_REQ_CMD_READY);
    assertEquals(TpmCrb.CTRL_STS_TPM_IDLE, read32(TpmCrb.TPM_CRB_CTRL_STS), "no locality");

    write32(TpmCrb.TPM_LOC_CTRL, TpmCrb.LOC_CTRL_REQUEST_ACCESS);
    write32(TpmCrb.TPM_CRB_CTRL_REQ, TpmCrb.CTRL_REQ_CMD_READY);
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_REQ), "the request bit clears when done");
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_STS), "Ready: tpmIdle cleared");

    write32(TpmCrb.TPM_CRB_CTRL_REQ, TpmCrb.CTRL_REQ_GO_IDLE);
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_REQ));
    assertEquals(TpmCrb.CTRL_STS_TPM_IDLE, read32(TpmCrb.TPM_CRB_CTRL_STS));
  }

  @Test
  void commandRunsOffTheCallerAndStartReadsOneUntilTheResponseIsThere() {
    requestLocalityAndReady();
    byte[] cmd = command(0x0000017B, 2); // GetRandom-shaped
    writeBuffer(crb, cmd, this);
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);

    assertTrue(fake.commands.isEmpty(), "the write returned before the engine ran");
    assertEquals(1, read32(TpmCrb.TPM_CRB_CTRL_START), "START reads 1 while executing");
    assertEquals(1, pending.size());
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);
    assertEquals(1, pending.size(), "a second START while one runs is ignored");

    pending.poll().run();
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_START), "START cleared on completion");
    assertArrayEquals(cmd, fake.commands.get(0), "exactly commandSize bytes reach the engine");
    assertArrayEquals(
        new byte[] {(byte) 0x80, 1, 0, 0, 0, 12, 0, 0, 0, 0, 0x01, 0x7B},
        readBuffer(crb, 12, this));
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_STS), "still Ready, no error");

    write32(TpmCrb.TPM_CRB_CTRL_REQ, TpmCrb.CTRL_REQ_GO_IDLE);
    assertEquals(TpmCrb.CTRL_STS_TPM_IDLE, read32(TpmCrb.TPM_CRB_CTRL_STS));
  }

  @Test
  void startWithoutTheLocalityIsIgnored() {
    writeBuffer(crb, command(0x17B, 2), this);
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_START));
    assertTrue(pending.isEmpty());
  }

  @Test
  void guestSizesAreBoundedByTheBuffer() {
    requestLocalityAndReady();
    byte[] huge = command(0x17B, 0);
    huge[2] = (byte) 0x7F; // commandSize 0x7F00000A: far beyond the buffer
    huge[5] = 10;
    writeBuffer(crb, huge, this);
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);
    pending.poll().run();
    assertEquals(TpmCrb.DATA_BUFFER_SIZE, fake.commands.get(0).length);

    byte[] tiny = command(0x17B, 0);
    tiny[5] = 2; // commandSize smaller than a header
    writeBuffer(crb, tiny, this);
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);
    pending.poll().run();
    assertEquals(10, fake.commands.get(1).length);
  }

  @Test
  void accessesOutsideThePageOrAcrossTheBufferEdgeAreRefused() {
    IoValue v = IoValue.forRead(AccessSize.QWORD);
    assertEquals(IoStatus.INVALID_REGISTER, crb.readMmio(crb.region(), 0xFFC, v));
    assertEquals(IoStatus.UNALIGNED_ACCESS, crb.readMmio(crb.region(), 0x7C, v));
    assertEquals(
        IoStatus.UNALIGNED_ACCESS,
        crb.writeMmio(crb.region(), 0x4E, new IoValue(AccessSize.DWORD, 1)));
    write(crb, 0xFFF, AccessSize.BYTE, 0xA5);
    assertEquals(0xA5, read(crb, 0xFFF, AccessSize.BYTE), "the buffer's last byte");
  }

  @Test
  void cancelReachesTheRunningCommand() {
    requestLocalityAndReady();
    writeBuffer(crb, command(0x131, 0), this); // CreatePrimary-shaped: long running
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);
    write32(TpmCrb.TPM_CRB_CTRL_CANCEL, TpmCrb.CTRL_CANCEL_INVOKE);
    assertTrue(fake.cancelled, "platform cancel signalled");
    assertEquals(1, read32(TpmCrb.TPM_CRB_CTRL_CANCEL));

    pending.poll().run();
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_START));
    assertArrayEquals(
        new byte[] {(byte) 0x80, 1, 0, 0, 0, 10, 0, 0, 0x09, 0x09}, readBuffer(crb, 10, this));

    write32(TpmCrb.TPM_CRB_CTRL_CANCEL, 0);
    assertFalse(fake.cancelled, "writing 0 clears the cancel");
    writeBuffer(crb, command(0x17B, 0), this);
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);
    pending.poll().run();
    assertEquals(0, readBuffer(crb, 10, this)[9], "the next command is not cancelled");
  }

  @Test
  void cancelWithNothingRunningDoesNotCancelTheNextCommand() {
    requestLocalityAndReady();
    write32(TpmCrb.TPM_CRB_CTRL_CANCEL, TpmCrb.CTRL_CANCEL_INVOKE);
    assertFalse(fake.cancelled);
    writeBuffer(crb, command(0x17B, 0), this);
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_CANCEL), "START clears CANCEL");
    pending.poll().run();
    assertEquals(0x7B, readBuffer(crb, 12, this)[11]);
  }

  @Test
  void goIdleDuringACommandTakesEffectAtCompletion() {
    requestLocalityAndReady();
    writeBuffer(crb, command(0x17B, 0), this);
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);
    write32(TpmCrb.TPM_CRB_CTRL_REQ, TpmCrb.CTRL_REQ_GO_IDLE);
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_STS), "still executing");
    pending.poll().run();
    assertEquals(TpmCrb.CTRL_STS_TPM_IDLE, read32(TpmCrb.TPM_CRB_CTRL_STS));
  }

  @Test
  void resetPowerCyclesTheTpmAndDropsAResponseInFlight() {
    crb.reset();
    assertEquals(1, fake.powerOns);
    assertEquals(0, fake.powerOffs, "it was off");
    requestLocalityAndReady();
    writeBuffer(crb, command(0x17B, 0), this);
    write32(TpmCrb.TPM_CRB_CTRL_START, TpmCrb.CTRL_START_INVOKE);

    crb.reset();
    assertEquals(2, fake.powerOns);
    assertEquals(1, fake.powerOffs);
    assertEquals(0, read32(TpmCrb.TPM_LOC_STATE) & TpmCrb.LOC_STATE_LOC_ASSIGNED);
    assertEquals(TpmCrb.CTRL_STS_TPM_IDLE, read32(TpmCrb.TPM_CRB_CTRL_STS));
    assertEquals(0, read32(TpmCrb.TPM_CRB_CTRL_START));
    pending.poll().run(); // the old command finishes after the reset
    assertArrayEquals(new byte[12], readBuffer(crb, 12, this), "its response is discarded");
  }

  @Test
  void startupAndGetRandomThroughARealTpm() {
    Tpm tpm = Tpm.create();
    TpmCrb real = new TpmCrb(TpmCrb.DEFAULT_BASE, tpm, tpm, Runnable::run);
    real.reset();
    write(real, TpmCrb.TPM_LOC_CTRL, AccessSize.DWORD, TpmCrb.LOC_CTRL_REQUEST_ACCESS);
    write(real, TpmCrb.TPM_CRB_CTRL_REQ, AccessSize.DWORD, TpmCrb.CTRL_REQ_CMD_READY);

    // TPM2_Startup(TPM_SU_CLEAR): TPM 2.0 Part 3 §9.3.
    byte[] startup = {(byte) 0x80, 1, 0, 0, 0, 12, 0, 0, 1, 0x44, 0, 0};
    writeBuffer(real, startup, this);
    write(real, TpmCrb.TPM_CRB_CTRL_START, AccessSize.DWORD, TpmCrb.CTRL_START_INVOKE);
    assertEquals(0, read(real, TpmCrb.TPM_CRB_CTRL_START, AccessSize.DWORD));
    assertArrayEquals(
        new byte[] {(byte) 0x80, 1, 0, 0, 0, 10, 0, 0, 0, 0}, readBuffer(real, 10, this));

    // TPM2_GetRandom(bytesRequested 16): Part 3 §16.1.
    byte[] getRandom = {(byte) 0x80, 1, 0, 0, 0, 12, 0, 0, 1, 0x7B, 0, 16};
    writeBuffer(real, getRandom, this);
    write(real, TpmCrb.TPM_CRB_CTRL_START, AccessSize.DWORD, TpmCrb.CTRL_START_INVOKE);
    byte[] response = readBuffer(real, 28, this);
    assertArrayEquals(
        new byte[] {(byte) 0x80, 1, 0, 0, 0, 28, 0, 0, 0, 0, 0, 16},
        Arrays.copyOf(response, 12),
        "TPM_RC_SUCCESS, TPM2B_DIGEST of 16 bytes");
    assertFalse(Arrays.equals(new byte[16], Arrays.copyOfRange(response, 12, 28)));

    // A reboot power cycles the TPM: it wants Startup again (TPM_RC_INITIALIZE, 0x100).
    real.reset();
    write(real, TpmCrb.TPM_LOC_CTRL, AccessSize.DWORD, TpmCrb.LOC_CTRL_REQUEST_ACCESS);
    write(real, TpmCrb.TPM_CRB_CTRL_REQ, AccessSize.DWORD, TpmCrb.CTRL_REQ_CMD_READY);
    writeBuffer(real, getRandom, this);
    write(real, TpmCrb.TPM_CRB_CTRL_START, AccessSize.DWORD, TpmCrb.CTRL_START_INVOKE);
    assertArrayEquals(
        new byte[] {(byte) 0x80, 1, 0, 0, 0, 10, 0, 0, 1, 0}, readBuffer(real, 10, this));
  }
}
