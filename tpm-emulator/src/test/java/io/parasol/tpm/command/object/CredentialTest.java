package io.parasol.tpm.command.object;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtScheme;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §12.6 TPM2_MakeCredential and §12.5 TPM2_ActivateCredential (RSA and ECC keys). */
class CredentialTest extends ObjectTestSupport {
  private int srk;
  private int ak;
  private byte[] akName;

  @BeforeEach
  void start() throws Exception {
    startup();
    srk = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048)).handle();
    Created c =
        create(
            srk,
            PublicTemplates.eccKey(
                TpmAlgId.ECC_NIST_P256,
                PublicTemplates.BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT | TpmaObject.RESTRICTED,
                TpmtScheme.of(TpmAlgId.ECDSA, TpmAlgId.SHA256)),
            new byte[0],
            new byte[0]);
    ak = load(srk, c);
    akName = c.name();
  }

  private byte[][] make(int key, byte[] credential, byte[] name) throws Exception {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.MAKE_CREDENTIAL)
                .handle(key)
                .params(w -> w.write2B(credential).write2B(name)));
    TpmReader in = r.body();
    return new byte[][] {in.read2B(256), in.read2B(512)};
  }

  private TpmCommandBuilder activate(int object, int key, byte[][] blob) {
    return command(TpmCc.ACTIVATE_CREDENTIAL)
        .handle(object)
        .handle(key)
        .password()
        .password()
        .params(w -> w.write2B(blob[0]).write2B(blob[1]));
  }

  @Test
  void rsaAndEccRoundTrips() throws Exception {
    byte[] credential = "credential secret".getBytes();
    for (int key :
        new int[] {
          srk, createPrimary(TpmHandle.RH_ENDORSEMENT, PublicTemplates.eccStorage(3)).handle()
        }) {
      byte[][] blob = make(key, credential, akName);
      TpmResponse r = expect(TpmRc.SUCCESS, activate(ak, key, blob));
      assertArrayEquals(credential, parametersOf(r, 0).read2B(64));
    }
  }

  @Test
  void wrongNameOrTamperedBlobFails() throws Exception {
    byte[][] blob = make(srk, "c".getBytes(), readPublic(srk)[1]);
    expect(TpmRc.parameter(TpmRc.INTEGRITY, 1), activate(ak, srk, blob));
    byte[][] good = make(srk, "c".getBytes(), akName);
    byte[] bad = good[0].clone();
    bad[bad.length - 1] ^= 1;
    expect(TpmRc.parameter(TpmRc.INTEGRITY, 1), activate(ak, srk, new byte[][] {bad, good[1]}));
    byte[] badSecret = good[1].clone();
    badSecret[3] ^= 1;
    expect(TpmRc.parameter(TpmRc.VALUE, 2), activate(ak, srk, new byte[][] {good[0], badSecret}));
    // The key must be a storage key.
    expect(
        TpmRc.handle(TpmRc.TYPE, 1),
        command(TpmCc.MAKE_CREDENTIAL)
            .handle(ak)
            .params(w -> w.write2B(new byte[4]).write2B(akName)));
  }
}
