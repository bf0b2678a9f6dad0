package io.parasol.tpm.command.object;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmaObject;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §28.2 TPM2_ContextSave, §28.3 TPM2_ContextLoad, §28.5 TPM2_EvictControl. */
class ContextAndEvictTest extends ObjectTestSupport {
  private static final int SEAL_ATTRS =
      TpmaObject.FIXED_TPM | TpmaObject.FIXED_PARENT | TpmaObject.USER_WITH_AUTH;
  private int srk;

  @BeforeEach
  void start() throws Exception {
    startup();
    srk = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048)).handle();
  }

  private byte[] contextSave(int handle) {
    TpmResponse r = expect(TpmRc.SUCCESS, command(TpmCc.CONTEXT_SAVE).handle(handle));
    return r.bodyBytes();
  }

  private TpmCommandBuilder contextLoad(byte[] context) {
    return command(TpmCc.CONTEXT_LOAD).params(w -> w.writeBytes(context));
  }

  private byte[] unseal(int handle) throws Exception {
    TpmResponse r = expect(TpmRc.SUCCESS, command(TpmCc.UNSEAL).handle(handle).password());
    return parametersOf(r, 0).read2B(128);
  }

  @Test
  void objectContextRoundTripAndSurvivesRestart() throws Exception {
    int sealed =
        createAndLoad(
            srk, PublicTemplates.sealedData(SEAL_ATTRS, new byte[0]), new byte[0], "s".getBytes());
    byte[] ctx = contextSave(sealed);
    byte[] ctxSrk = contextSave(srk);
    flush(sealed);
    flush(srk);
    int h = expect(TpmRc.SUCCESS, contextLoad(ctx)).body().readU32();
    assertArrayEquals("s".getBytes(), unseal(h));
    // Power cycle and TPM Reset: owner-hierarchy contexts still load (like tpm2-tools files).
    tpm = Tpm.restore(tpm.saveState());
    startup();
    int srk2 = expect(TpmRc.SUCCESS, contextLoad(ctxSrk)).body().readU32();
    assertArrayEquals(readPublic(srk2)[1], readPublic(srk2)[1]);
    int h2 = expect(TpmRc.SUCCESS, contextLoad(ctx)).body().readU32();
    assertArrayEquals("s".getBytes(), unseal(h2));
  }

  @Test
  void tamperedContextIsIntegrityError() throws Exception {
    byte[] ctx = contextSave(srk);
    for (int i : new int[] {3, 8, ctx.length - 1, 20}) {
      byte[] bad = ctx.clone();
      bad[i] ^= 0x01;
      int rc = run(contextLoad(bad).build()).rc();
      // The sequence, handle, hierarchy and blob are all protected.
      assertEquals(true, rc != TpmRc.SUCCESS, "byte " + i);
    }
    byte[] badBlob = ctx.clone();
    badBlob[ctx.length - 1] ^= 0x01;
    expect(TpmRc.parameter(TpmRc.INTEGRITY, 1), contextLoad(badBlob));
    byte[] badSeq = ctx.clone();
    badSeq[7] ^= 0x01;
    expect(TpmRc.parameter(TpmRc.INTEGRITY, 1), contextLoad(badSeq));
  }

  @Test
  void nullHierarchyContextDiesWithReset() throws Exception {
    int tmp = createPrimary(TpmHandle.RH_NULL, PublicTemplates.hmacKey()).handle();
    byte[] ctx = contextSave(tmp);
    expect(TpmRc.SUCCESS, contextLoad(ctx));
    tpm = Tpm.restore(tpm.saveState());
    startup();
    expect(TpmRc.parameter(TpmRc.INTEGRITY, 1), contextLoad(ctx));
  }

  @Test
  void sessionContextSaveAndLoad() throws Exception {
    TpmResponse s =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.START_AUTH_SESSION)
                .handle(TpmHandle.RH_NULL)
                .handle(TpmHandle.RH_NULL)
                .params(
                    w ->
                        w.write2B(new byte[16])
                            .write2B(new byte[0])
                            .writeU8(0)
                            .writeU16(TpmAlgId.NULL)
                            .writeU16(TpmAlgId.SHA256)));
    int session = s.body().readU32();
    byte[] ctx = contextSave(session);
    // A saved session cannot be saved again or used.
    expect(TpmRc.REFERENCE_H0, command(TpmCc.CONTEXT_SAVE).handle(session));
    TpmResponse r = expect(TpmRc.SUCCESS, contextLoad(ctx));
    assertEquals(session, r.body().readU32());
    // Loading it twice is refused.
    expect(TpmRc.parameter(TpmRc.HANDLE, 1), contextLoad(ctx));
    flush(session);
    expect(TpmRc.parameter(TpmRc.HANDLE, 1), contextLoad(ctx));
  }

  private TpmCommandBuilder evict(int auth, int object, int persistent) {
    return command(TpmCc.EVICT_CONTROL)
        .handle(auth)
        .handle(object)
        .password()
        .params(w -> w.writeU32(persistent));
  }

  @Test
  void persistentObjectSurvivesSaveStateAndRestore() throws Exception {
    int sealed =
        createAndLoad(
            srk,
            PublicTemplates.sealedData(SEAL_ATTRS, new byte[0]),
            new byte[0],
            "persist".getBytes());
    byte[] name = readPublic(sealed)[1];
    expect(TpmRc.SUCCESS, evict(TpmHandle.RH_OWNER, sealed, 0x8100_0001));
    expect(TpmRc.SUCCESS, evict(TpmHandle.RH_OWNER, srk, 0x8100_0000));
    expect(TpmRc.NV_DEFINED, evict(TpmHandle.RH_OWNER, srk, 0x8100_0000));
    expect(TpmRc.parameter(TpmRc.RANGE, 1), evict(TpmHandle.RH_OWNER, srk, 0x8180_0000));

    tpm = Tpm.restore(tpm.saveState());
    startup();
    assertArrayEquals("persist".getBytes(), unseal(0x8100_0001));
    assertArrayEquals(name, readPublic(0x8100_0001)[1]);
    // The persistent SRK is a parent.
    int child = createAndLoad(0x8100_0000, PublicTemplates.hmacKey(), new byte[0], new byte[0]);
    TpmReader in = expect(TpmRc.SUCCESS, command(TpmCc.READ_PUBLIC).handle(child)).body();
    in.read2B(4096);
    assertEquals(34, in.read2B(Tpm2b.NAME).length);

    expect(TpmRc.SUCCESS, evict(TpmHandle.RH_OWNER, 0x8100_0001, 0x8100_0001));
    expect(TpmRc.handle(TpmRc.HANDLE, 1), command(TpmCc.UNSEAL).handle(0x8100_0001).password());
    tpm = Tpm.restore(tpm.saveState());
    startup();
    expect(TpmRc.handle(TpmRc.HANDLE, 1), command(TpmCc.UNSEAL).handle(0x8100_0001).password());
  }

  @Test
  void evictRules() throws Exception {
    int tmp = createPrimary(TpmHandle.RH_NULL, PublicTemplates.hmacKey()).handle();
    expect(TpmRc.handle(TpmRc.HIERARCHY, 2), evict(TpmHandle.RH_OWNER, tmp, 0x8100_0002));
    flush(tmp);
    int stClear =
        createPrimary(
                TpmHandle.RH_OWNER,
                PublicTemplates.hmacKey()
                    .withAttributes(
                        PublicTemplates.BASE_ATTRIBUTES
                            | TpmaObject.SIGN_ENCRYPT
                            | TpmaObject.ST_CLEAR))
            .handle();
    expect(TpmRc.handle(TpmRc.ATTRIBUTES, 2), evict(TpmHandle.RH_OWNER, stClear, 0x8100_0002));
    expect(TpmRc.SUCCESS, evict(TpmHandle.RH_OWNER, srk, 0x8100_0003));
    expect(TpmRc.parameter(TpmRc.HANDLE, 1), evict(TpmHandle.RH_OWNER, 0x8100_0003, 0x8100_0004));
    assertEquals(1, Arrays.stream(tpm.state().persistentObjects().keySet().toArray()).count());
  }
}
