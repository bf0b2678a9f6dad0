package io.parasol.tpm.command.nv;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static io.parasol.tpm.nv.TpmaNv.AUTHREAD;
import static io.parasol.tpm.nv.TpmaNv.AUTHWRITE;
import static io.parasol.tpm.nv.TpmaNv.OWNERREAD;
import static io.parasol.tpm.nv.TpmaNv.OWNERWRITE;
import static io.parasol.tpm.nv.TpmaNv.WRITTEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.command.attestation.TpmsAttest;
import io.parasol.tpm.command.object.ObjectTestSupport;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.nv.NvTestSupport;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import io.parasol.tpm.object.TpmtSignature;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §31.16 TPM2_NV_Certify: a range and the whole-index digest, signed and checked. */
class NvCertifyTest extends NvTestSupport {
  private static final int RW = OWNERWRITE | OWNERREAD | AUTHWRITE | AUTHREAD;
  private static final byte[] DATA = "certified contents".getBytes();
  private int key;
  private TpmtPublic keyPublic;

  @BeforeEach
  void start() throws Exception {
    startup();
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            ObjectTestSupport.createPrimaryCommand(
                TpmHandle.RH_ENDORSEMENT,
                PublicTemplates.rsaKey(
                    2048,
                    PublicTemplates.BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT,
                    TpmtScheme.of(TpmAlgId.RSASSA, TpmAlgId.SHA256)),
                new byte[0],
                new byte[0]));
    key = r.body().readU32();
    keyPublic = TpmtPublic.read2B(parametersOf(r, 1), false);
  }

  private TpmCommandBuilder certify(int signer, int authHandle, int size, int offset) {
    return command(TpmCc.NV_CERTIFY)
        .handle(signer)
        .handle(authHandle)
        .handle(INDEX)
        .password()
        .password(authHandle == INDEX ? PASSWORD : new byte[0])
        .params(
            w -> {
              w.write2B("nonce".getBytes());
              TpmtScheme.NULL.write(w);
              w.writeU16(size).writeU16(offset);
            });
  }

  private TpmsAttest signedAttest(TpmResponse r) throws Exception {
    TpmReader in = parametersOf(r, 0);
    byte[] bytes = in.read2B(4096);
    TpmtSignature sig = TpmtSignature.read(in);
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initVerify(
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    new BigInteger(1, keyPublic.unique()), BigInteger.valueOf(65537))));
    jdk.update(bytes);
    assertTrue(jdk.verify(sig.first()));
    return TpmsAttest.parse(bytes);
  }

  @Test
  void certifiesARangeAndTheWholeIndex() throws Exception {
    define(INDEX, RW, 32);
    // Never written: nothing to certify.
    expect(TpmRc.NV_UNINITIALIZED, certify(key, INDEX, 4, 0));
    expect(TpmRc.SUCCESS, writeCommand(INDEX, INDEX, DATA, 2));
    byte[] name = nvName(INDEX, RW | WRITTEN, new byte[0], 32);

    TpmsAttest range = signedAttest(expect(TpmRc.SUCCESS, certify(key, INDEX, 8, 2)));
    TpmsAttest.NvCertifyInfo info =
        assertInstanceOf(TpmsAttest.NvCertifyInfo.class, range.attested());
    assertArrayEquals(name, info.indexName());
    assertEquals(2, info.offset());
    assertArrayEquals(java.util.Arrays.copyOf(DATA, 8), info.nvContents());
    assertArrayEquals("nonce".getBytes(), range.extraData());

    TpmsAttest whole = signedAttest(expect(TpmRc.SUCCESS, certify(key, TpmHandle.RH_OWNER, 0, 0)));
    TpmsAttest.NvDigestCertifyInfo digest =
        assertInstanceOf(TpmsAttest.NvDigestCertifyInfo.class, whole.attested());
    assertArrayEquals(name, digest.indexName());
    assertArrayEquals(sha256(read(INDEX, INDEX, 32, 0)), digest.nvDigest());

    expect(TpmRc.NV_RANGE, certify(key, INDEX, 8, 30));
  }
}
