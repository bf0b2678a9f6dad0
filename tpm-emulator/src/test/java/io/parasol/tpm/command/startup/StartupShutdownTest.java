package io.parasol.tpm.command.startup;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.tpm.Locality;
import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmTestSupport;
import io.parasol.tpm.command.clocks.ReadClock;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmlDigest;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsPcrSelection;
import io.parasol.tpm.marshal.TpmsTimeInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Part 3 §9: TPM Reset, Restart and Resume (Part 1 §12.2.3). */
class StartupShutdownTest extends TpmTestSupport {

  private void extend(int pcr) {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.PCR_EXTEND)
            .handle(pcr)
            .password()
            .params(w -> w.writeU32(1).writeU16(TpmAlgId.SHA256).writeBytes(new byte[32])));
  }

  private byte[] pcr(int pcr) throws TpmException {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.PCR_READ)
                .params(
                    w ->
                        new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlgId.SHA256, pcr)))
                            .write(w)));
    TpmReader in = r.body();
    in.readU32();
    TpmlPcrSelection.read(in);
    return TpmlDigest.read(in).digests().getFirst();
  }

  private TpmsTimeInfo clock() throws TpmException {
    return TpmsTimeInfo.read(expect(TpmRc.SUCCESS, command(TpmCc.READ_CLOCK)).body());
  }

  private void shutdown(int type) {
    expect(TpmRc.SUCCESS, command(TpmCc.SHUTDOWN).params(w -> w.writeU16(type)));
  }

  private void startup(int type) {
    expect(TpmRc.SUCCESS, command(TpmCc.STARTUP).params(w -> w.writeU16(type)));
  }

  private void powerCycle() {
    tpm.powerOff();
    tpm.powerOn();
  }

  @Test
  void resumeRestoresStateSavedPcrsAndCountsARestart() throws TpmException {
    startup(0);
    extend(0);
    extend(16);
    byte[] pcr0 = pcr(0);
    shutdown(1);
    powerCycle();
    startup(1);
    assertArrayEquals(pcr0, pcr(0));
    assertArrayEquals(new byte[32], pcr(16), "PCR 16 is not state-saved");
    TpmsTimeInfo t = clock();
    assertEquals(1, t.clockInfo().resetCount());
    assertEquals(1, t.clockInfo().restartCount());
  }

  @Test
  void restartResetsPcrsButNotResetCount() throws TpmException {
    startup(0);
    extend(0);
    shutdown(1);
    powerCycle();
    startup(0);
    assertArrayEquals(new byte[32], pcr(0));
    assertEquals(1, clock().clockInfo().resetCount());
    assertEquals(1, clock().clockInfo().restartCount());
  }

  @Test
  void resetCountsAResetAndClearsRestarts() throws TpmException {
    startup(0);
    shutdown(0);
    powerCycle();
    startup(0);
    TpmsTimeInfo t = clock();
    assertEquals(2, t.clockInfo().resetCount());
    assertEquals(0, t.clockInfo().restartCount());
    assertEquals(true, t.clockInfo().safe());
  }

  @Test
  void startupStateWithoutShutdownStateIsValue() {
    expect(TpmRc.parameter(TpmRc.VALUE, 1), command(TpmCc.STARTUP).params(w -> w.writeU16(1)));
    startup(0);
    shutdown(0);
    powerCycle();
    expect(TpmRc.parameter(TpmRc.VALUE, 1), command(TpmCc.STARTUP).params(w -> w.writeU16(1)));
  }

  @Test
  void badStartupTypeIsValue() {
    expect(TpmRc.parameter(TpmRc.VALUE, 1), command(TpmCc.STARTUP).params(w -> w.writeU16(7)));
  }

  @Test
  void extendAfterShutdownStateInvalidatesTheSavedState() {
    startup(0);
    shutdown(1);
    extend(3);
    powerCycle();
    expect(TpmRc.parameter(TpmRc.VALUE, 1), command(TpmCc.STARTUP).params(w -> w.writeU16(1)));
  }

  @Test
  void nonOrderlyShutdownMakesTheClockUnsafe() throws TpmException {
    startup(0);
    powerCycle();
    startup(0);
    assertEquals(false, clock().clockInfo().safe());
  }

  @Test
  void startupAtLocalityThreeMarksPcrZero() throws TpmException {
    assertEquals(
        TpmRc.SUCCESS,
        run(Locality.THREE, command(TpmCc.STARTUP).params(w -> w.writeU16(0)).build()).rc());
    byte[] expected = new byte[32];
    expected[31] = 3;
    assertArrayEquals(expected, pcr(0));
  }

  @Test
  void hcrtmBeforeStartupMeasuresIntoPcrZero() throws TpmException {
    tpm.hashStart();
    tpm.hashData("crtm".getBytes());
    tpm.hashEnd();
    startup(0);
    byte[] start = new byte[32];
    start[31] = 4;
    byte[] expected =
        io.parasol.tpm.crypto.HashAlgorithm.SHA256.digest(
            start, io.parasol.tpm.crypto.HashAlgorithm.SHA256.digest("crtm".getBytes()));
    assertArrayEquals(expected, pcr(0));
  }

  @Test
  void timeAdvancesWithTheHostClockAndRestartsAtInit() throws TpmException {
    startup(0);
    millis.addAndGet(5000);
    TpmsTimeInfo t = ReadClock.timeInfo(tpm.state());
    assertEquals(5000, t.time());
    assertEquals(5000, t.clockInfo().clock());
    powerCycle();
    millis.addAndGet(1000);
    startup(0);
    TpmsTimeInfo after = clock();
    assertEquals(1000, after.time());
    assertEquals(6000, after.clockInfo().clock());
  }

  @Test
  void clockSetMovesForwardOnlyAndRateAdjustChangesTheRate() throws TpmException {
    startup(0);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.CLOCK_SET)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.writeU64(100_000)));
    assertEquals(100_000, clock().clockInfo().clock());
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        command(TpmCc.CLOCK_SET).handle(TpmHandle.RH_OWNER).password().params(w -> w.writeU64(5)));
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        command(TpmCc.CLOCK_SET)
            .handle(TpmHandle.RH_PLATFORM)
            .password()
            .params(w -> w.writeU64(0xFFFF_0000_0000_0001L)));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.CLOCK_RATE_ADJUST)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.writeU8(3)));
    millis.addAndGet(10_000);
    long clock = clock().clockInfo().clock();
    // Coarse faster: 30000/29700 of real time.
    assertEquals(100_000 + 10_101, clock);
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        command(TpmCc.CLOCK_RATE_ADJUST)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.writeU8(4)));
  }

  @Test
  void savedStateSurvivesSaveAndRestore() throws TpmException {
    startup(0);
    extend(5);
    byte[] pcr5 = pcr(5);
    shutdown(1);
    byte[] saved = tpm.saveState();
    tpm = Tpm.builder().hostMillis(millis::get).restore(saved);
    startup(1);
    assertArrayEquals(pcr5, pcr(5));
  }
}
