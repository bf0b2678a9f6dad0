package io.parasol.tpm.command.integrity;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmTestSupport;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmlDigest;
import io.parasol.tpm.marshal.TpmlDigestValues;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsPcrSelection;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §22: PCR_Extend, PCR_Event, PCR_Read, PCR_Reset, PCR_Allocate. */
class PcrCommandsTest extends TpmTestSupport {
  private static final HexFormat HEX = HexFormat.of();

  // FIPS 180-2 Appendix B.1: SHA-256("abc").
  private static final byte[] SHA256_ABC =
      HEX.parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  @BeforeEach
  void start() {
    startup();
  }

  private TpmResponse extend(Locality loc, int pcr, int alg, byte[] digest) {
    return run(
        loc,
        command(TpmCc.PCR_EXTEND)
            .handle(pcr)
            .password()
            .params(w -> w.writeU32(1).writeU16(alg).writeBytes(digest))
            .build());
  }

  private List<byte[]> read(int alg, int... pcrs) throws TpmException {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.PCR_READ)
                .params(
                    w -> new TpmlPcrSelection(List.of(TpmsPcrSelection.of(alg, pcrs))).write(w)));
    TpmReader in = r.body();
    in.readU32();
    TpmlPcrSelection.read(in);
    return TpmlDigest.read(in).digests();
  }

  @Test
  void extendSha256BankIsHashOfOldValueAndDigest() throws TpmException {
    assertEquals(TpmRc.SUCCESS, extend(Locality.ZERO, 0, TpmAlgId.SHA256, SHA256_ABC).rc());
    byte[] expected = HashAlgorithm.SHA256.digest(new byte[32], SHA256_ABC);
    assertArrayEquals(expected, read(TpmAlgId.SHA256, 0).getFirst());
    // Other banks are untouched.
    assertArrayEquals(new byte[20], read(TpmAlgId.SHA1, 0).getFirst());
  }

  @Test
  void extendWithZeroDigestGivesTheKnownValue() throws TpmException {
    extend(Locality.ZERO, 1, TpmAlgId.SHA256, new byte[32]);
    // SHA-256 of 64 zero octets.
    assertArrayEquals(
        HEX.parseHex("f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b"),
        read(TpmAlgId.SHA256, 1).getFirst());
  }

  @Test
  void extendOfUnimplementedHashIsHashError() {
    TpmResponse r = extend(Locality.ZERO, 0, 0x0027, new byte[32]);
    assertEquals(TpmRc.parameter(TpmRc.HASH, 1), r.rc());
  }

  @Test
  void extendNullHandleDoesNothing() throws TpmException {
    assertEquals(
        TpmRc.SUCCESS, extend(Locality.ZERO, TpmHandle.RH_NULL, TpmAlgId.SHA256, SHA256_ABC).rc());
    assertArrayEquals(new byte[32], read(TpmAlgId.SHA256, 0).getFirst());
  }

  @Test
  void extendLocalityRules() {
    assertEquals(TpmRc.LOCALITY, extend(Locality.ZERO, 17, TpmAlgId.SHA256, SHA256_ABC).rc());
    assertEquals(TpmRc.SUCCESS, extend(Locality.TWO, 17, TpmAlgId.SHA256, SHA256_ABC).rc());
    assertEquals(TpmRc.LOCALITY, extend(Locality.ONE, 21, TpmAlgId.SHA256, SHA256_ABC).rc());
    assertEquals(TpmRc.SUCCESS, extend(Locality.TWO, 21, TpmAlgId.SHA256, SHA256_ABC).rc());
  }

  @Test
  void dynamicPcrsStartAsOnes() throws TpmException {
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xFF);
    assertArrayEquals(ones, read(TpmAlgId.SHA256, 17).getFirst());
    assertArrayEquals(new byte[32], read(TpmAlgId.SHA256, 16).getFirst());
  }

  @Test
  void resetFollowsPcClientLocalityRules() throws TpmException {
    extend(Locality.ZERO, 16, TpmAlgId.SHA256, SHA256_ABC);
    expect(TpmRc.SUCCESS, command(TpmCc.PCR_RESET).handle(16).password());
    assertArrayEquals(new byte[32], read(TpmAlgId.SHA256, 16).getFirst());
    expect(TpmRc.SUCCESS, command(TpmCc.PCR_RESET).handle(23).password());
    expect(TpmRc.LOCALITY, command(TpmCc.PCR_RESET).handle(0).password());
    expect(TpmRc.LOCALITY, command(TpmCc.PCR_RESET).handle(17).password());
    expect(TpmRc.LOCALITY, Locality.THREE, command(TpmCc.PCR_RESET).handle(20).password());
    expect(TpmRc.SUCCESS, Locality.TWO, command(TpmCc.PCR_RESET).handle(20).password());
    expect(TpmRc.SUCCESS, Locality.FOUR, command(TpmCc.PCR_RESET).handle(17).password());
    assertArrayEquals(new byte[32], read(TpmAlgId.SHA256, 17).getFirst());
  }

  @Test
  void eventHashesWithEveryAlgorithmAndExtends() throws TpmException {
    byte[] data = "abc".getBytes();
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.PCR_EVENT).handle(2).password().params(w -> w.write2B(data)));
    TpmReader in = parametersOf(r, 0);
    TpmlDigestValues values = TpmlDigestValues.read(in);
    assertEquals(4, values.digests().size());
    assertEquals(TpmAlgId.SHA256, values.digests().get(1).hashAlg());
    assertArrayEquals(SHA256_ABC, values.digests().get(1).digest());
    assertArrayEquals(
        HashAlgorithm.SHA256.digest(new byte[32], SHA256_ABC), read(TpmAlgId.SHA256, 2).getFirst());
  }

  @Test
  void readReturnsAtMostEightDigestsAndSaysWhich() throws TpmException {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.PCR_READ)
                .params(
                    w ->
                        new TpmlPcrSelection(
                                List.of(
                                    TpmsPcrSelection.of(TpmAlgId.SHA1, 0, 1, 2, 3, 4, 5),
                                    TpmsPcrSelection.of(TpmAlgId.SHA256, 0, 1, 2, 3, 4, 5)))
                            .write(w)));
    TpmReader in = r.body();
    int counter = in.readU32();
    TpmlPcrSelection out = TpmlPcrSelection.read(in);
    List<byte[]> digests = TpmlDigest.read(in).digests();
    assertEquals(0, counter);
    assertEquals(8, digests.size());
    assertEquals(TpmsPcrSelection.of(TpmAlgId.SHA256, 0, 1), out.selections().get(1));
  }

  @Test
  void updateCounterCountsExtends() throws TpmException {
    extend(Locality.ZERO, 0, TpmAlgId.SHA256, SHA256_ABC);
    extend(Locality.ZERO, 16, TpmAlgId.SHA256, SHA256_ABC); // PCR 16 does not increment
    TpmResponse r =
        run(
            command(TpmCc.PCR_READ)
                .params(
                    w ->
                        new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlgId.SHA256, 0)))
                            .write(w))
                .build());
    assertEquals(1, r.body().readU32());
  }

  @Test
  void allocateTakesEffectAtNextStartupClear() throws TpmException {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.PCR_ALLOCATE)
                .handle(TpmHandle.RH_PLATFORM)
                .password()
                .params(
                    w ->
                        new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlgId.SHA1)))
                            .write(w)));
    assertEquals(1, parametersOf(r, 0).readU8());
    assertEquals(1, read(TpmAlgId.SHA1, 0).size());
    // Shutdown(STATE) is refused while a new allocation is pending.
    expect(TpmRc.parameter(TpmRc.TYPE, 1), command(TpmCc.SHUTDOWN).params(w -> w.writeU16(1)));
    expect(TpmRc.SUCCESS, command(TpmCc.SHUTDOWN).params(w -> w.writeU16(0)));
    tpm.powerOff();
    tpm.powerOn();
    startup();
    assertEquals(0, read(TpmAlgId.SHA1, 0).size());
    assertEquals(1, read(TpmAlgId.SHA256, 0).size());
  }

  @Test
  void unallocatedBankIsNotExtended() throws TpmException {
    assertFalse(read(TpmAlgId.SHA256, 0).isEmpty());
    TpmResponse r = extend(Locality.ZERO, 0, TpmAlgId.SHA512, new byte[64]);
    assertEquals(TpmRc.SUCCESS, r.rc());
    assertEquals(0, read(TpmAlgId.SHA512, 0).size());
  }
}
