package io.parasol.tpm.command.sequences;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.TpmTestSupport;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.session.SessionCrypto;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §15.4 TPM2_Hash and §17 hash and event sequences. */
class HashSequenceTest extends TpmTestSupport {
  // FIPS 180-2 Appendix B.1 and B.2: SHA-256("abc") and of the 448-bit message.
  private static final byte[] SHA256_ABC =
      HexFormat.of().parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  private static final String B2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  private static final byte[] SHA256_B2 =
      HexFormat.of().parseHex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

  @BeforeEach
  void start() {
    startup();
  }

  @Test
  void hashGivesDigestAndTicket() throws TpmException {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.HASH)
                .params(
                    w ->
                        w.write2B("abc".getBytes())
                            .writeU16(TpmAlgId.SHA256)
                            .writeU32(TpmHandle.RH_OWNER)));
    TpmReader in = r.body();
    assertArrayEquals(SHA256_ABC, in.read2B(64));
    assertEquals(TpmSt.HASHCHECK, in.readU16());
    assertEquals(TpmHandle.RH_OWNER, in.readU32());
    byte[] ticket = in.read2B(64);
    byte[] expected =
        SessionCrypto.hmac(
            HashAlgorithm.SHA256,
            tpm.state().proof(Hierarchy.OWNER),
            new byte[] {(byte) 0x80, 0x24},
            SHA256_ABC);
    assertArrayEquals(expected, ticket);
  }

  @Test
  void dataThatLooksTpmGeneratedGetsTheNullTicket() throws TpmException {
    byte[] data = HexFormat.of().parseHex("ff54434780170000");
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.HASH)
                .params(
                    w -> w.write2B(data).writeU16(TpmAlgId.SHA256).writeU32(TpmHandle.RH_OWNER)));
    TpmReader in = r.body();
    in.read2B(64);
    in.readU16();
    assertEquals(TpmHandle.RH_NULL, in.readU32());
    assertEquals(0, in.read2B(64).length);
  }

  private int startSequence(int alg, byte[] auth) throws TpmException {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.HASH_SEQUENCE_START).params(w -> w.write2B(auth).writeU16(alg)));
    return r.body().readU32();
  }

  @Test
  void sequenceInPiecesEqualsTheOneShotDigest() throws TpmException {
    byte[] auth = "seq".getBytes();
    int seq = startSequence(TpmAlgId.SHA256, auth);
    assertTrue(TpmHandle.isTransient(seq));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.SEQUENCE_UPDATE)
            .handle(seq)
            .password(auth)
            .params(w -> w.write2B(B2.substring(0, 20).getBytes())));
    expect(
        TpmRc.session(TpmRc.BAD_AUTH, 1),
        command(TpmCc.SEQUENCE_UPDATE).handle(seq).password().params(w -> w.write2B(new byte[1])));
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.SEQUENCE_COMPLETE)
                .handle(seq)
                .password(auth)
                .params(w -> w.write2B(B2.substring(20).getBytes()).writeU32(TpmHandle.RH_NULL)));
    assertArrayEquals(SHA256_B2, parametersOf(r, 0).read2B(64));
    assertTrue(tpm.state().transientObjects().isEmpty(), "the sequence is flushed");
  }

  @Test
  void eventSequenceExtendsEveryBank() throws TpmException {
    int seq = startSequence(TpmAlgId.NULL, new byte[0]);
    expect(
        TpmRc.handle(TpmRc.MODE, 1),
        command(TpmCc.SEQUENCE_COMPLETE)
            .handle(seq)
            .password()
            .params(w -> w.write2B(new byte[0]).writeU32(TpmHandle.RH_NULL)));
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.EVENT_SEQUENCE_COMPLETE)
                .handle(16)
                .handle(seq)
                .password()
                .password()
                .params(w -> w.write2B("abc".getBytes())));
    TpmReader in = parametersOf(r, 0);
    assertEquals(4, in.readU32());
    in.readU16();
    in.readBytes(20);
    assertEquals(TpmAlgId.SHA256, in.readU16());
    assertArrayEquals(SHA256_ABC, in.readBytes(32));
    assertArrayEquals(
        HashAlgorithm.SHA256.digest(new byte[32], SHA256_ABC),
        tpm.state().pcrs().value(HashAlgorithm.SHA256, 16).orElseThrow());
  }

  @Test
  void onlyThreeObjectsFit() throws TpmException {
    for (int i = 0; i < 3; i++) {
      startSequence(TpmAlgId.SHA1, new byte[0]);
    }
    expect(
        TpmRc.OBJECT_MEMORY,
        command(TpmCc.HASH_SEQUENCE_START)
            .params(w -> w.write2B(new byte[0]).writeU16(TpmAlgId.SHA1)));
    expect(TpmRc.SUCCESS, command(TpmCc.FLUSH_CONTEXT).params(w -> w.writeU32(0x8000_0001)));
    assertEquals(0x8000_0001, startSequence(TpmAlgId.SHA1, new byte[0]));
  }
}
