package io.parasol.tools.attest;

import com.google.protobuf.ByteString;
import io.parasol.isolation.attestation.RuntimeClaims;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.isolation.attestation.proto.NoHardwareEvidence;
import io.parasol.isolation.attestation.proto.TpmQuote;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;

/**
 * Parasol evidence from a plain-KVM guest, made here the way the paravisor makes it: runtime claims
 * naming the vTPM's AK, and a TPM2_Quote (TPMS_ATTEST, RSASSA-SHA256) by that AK over a nonce and
 * the SHA-256 PCRs 0-7. The "vTPM" is a key pair in the test.
 */
final class SyntheticEvidence {
  final KeyPair ak;
  final KeyPair ek;
  final byte[][] pcrs = new byte[8][32];

  SyntheticEvidence() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    ak = g.generateKeyPair();
    ek = g.generateKeyPair();
    for (int i = 0; i < 8; i++) {
      pcrs[i][0] = (byte) (i + 1);
    }
  }

  RuntimeClaims claims(String isolation) {
    byte[] user = new byte[64];
    user[63] = 9;
    return new RuntimeClaims(
        RuntimeClaims.jwk(ak.getPublic(), "ak"),
        RuntimeClaims.jwk(ek.getPublic(), "ek"),
        isolation,
        false,
        "ephemeral",
        user);
  }

  /** TPMS_ATTEST of a quote over SHA-256 PCRs 0-7 with {@code nonce} as extraData. */
  byte[] attest(byte[] nonce) throws Exception {
    MessageDigest h = MessageDigest.getInstance("SHA-256");
    for (byte[] p : pcrs) {
      h.update(p);
    }
    byte[] digest = h.digest();
    ByteBuffer b = ByteBuffer.allocate(256);
    b.putInt(0xFF544347).putShort((short) 0x8018);
    b.putShort((short) 34).putShort((short) 0x000B).put(new byte[32]); // qualifiedSigner
    b.putShort((short) nonce.length).put(nonce);
    b.putLong(12345).putInt(1).putInt(0).put((byte) 1); // clockInfo
    b.putLong(0x2023_0101L); // firmwareVersion
    b.putInt(1).putShort((short) 0x000B).put((byte) 3).put((byte) 0xFF).put((byte) 0).put((byte) 0);
    b.putShort((short) digest.length).put(digest);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  TpmQuote quote(byte[] nonce) throws Exception {
    byte[] attest = attest(nonce);
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(ak.getPrivate());
    s.update(attest);
    TpmQuote.Builder q =
        TpmQuote.newBuilder()
            .setAttest(ByteString.copyFrom(attest))
            .setSignature(
                ByteString.copyFrom(
                    TpmStructures.rsassaSignature(TpmStructures.ALG_SHA256, s.sign())))
            .setHashAlg(TpmStructures.ALG_SHA256);
    for (int i = 0; i < 8; i++) {
      q.putPcrs(i, ByteString.copyFrom(pcrs[i]));
    }
    return q.build();
  }

  Evidence evidence(byte[] nonce, long producedAt) throws Exception {
    return Evidence.newBuilder()
        .setFormatVersion(1)
        .setNone(
            NoHardwareEvidence.newBuilder().setReason("plain KVM (kvm_pvm): no SEV-SNP or TDX"))
        .setRuntimeClaims(ByteString.copyFrom(claims("none").toCanonicalJson()))
        .addTpmQuotes(quote(nonce))
        .setProducedAtSeconds(producedAt)
        .build();
  }
}
