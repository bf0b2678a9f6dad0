package io.parasol.igvm.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.SnpIdBlock;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.IgvmFormatException;
import io.parasol.igvm.format.IgvmParser;
import io.parasol.igvm.format.IgvmWriter;
import io.parasol.igvm.format.Vectors;
import io.parasol.igvm.measure.SnpLaunchDigest;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdBlockSignerTest {
  static final P384Key ID_KEY = key("parasol test ID key");
  static final P384Key AUTHOR_KEY = key("parasol test author key");
  static final IdBlockSigner.Identity IDENTITY =
      new IdBlockSigner.Identity(
          Blob.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}),
          Blob.zeros(16).paddedTo(16),
          7);

  static P384Key key(String seed) {
    return P384Key.of(new BigInteger(1, seed.getBytes()).mod(P384Key.DOMAIN.getN()));
  }

  @Test
  void aSignedBlockVerifiesWithAndWithoutAuthorKey() throws Exception {
    IgvmFile file = Vectors.parse("snp_basic.igvm");
    for (Optional<P384Key> author : List.of(Optional.<P384Key>empty(), Optional.of(AUTHOR_KEY))) {
      IgvmFile signed = IdBlockSigner.sign(file, IDENTITY, ID_KEY, author);
      IgvmFile reread = IgvmParser.parse(IgvmWriter.write(signed));
      List<IdBlockVerifier.Verdict> verdicts = IdBlockVerifier.verify(reread);
      assertEquals(1, verdicts.size());
      assertTrue(verdicts.getFirst().valid(), verdicts.getFirst().problems().toString());
      assertEquals(author.isPresent(), verdicts.getFirst().authorKeyDigest().isPresent());
      SnpIdBlock block = idBlock(reread);
      assertArrayEquals(SnpLaunchDigest.compute(file, 1), block.ld().toByteArray());
      assertEquals(7, block.guestSvn());
      // The same file and key sign to the same bytes (RFC 6979 nonces).
      assertArrayEquals(
          IgvmWriter.write(signed),
          IgvmWriter.write(IdBlockSigner.sign(file, IDENTITY, ID_KEY, author)));
      // Signing again replaces the block instead of adding one.
      assertEquals(
          1, IdBlockVerifier.verify(IdBlockSigner.sign(signed, IDENTITY, ID_KEY, author)).size());
    }
  }

  @Test
  void theSignatureIsStandardEcdsaP384() throws Exception {
    // Cross-check with the JDK's own ECDSA: the ID block's R and S, big-endian and DER-encoded,
    // verify under the public key rebuilt from the block's Qx and Qy.
    IgvmFile signed =
        IdBlockSigner.sign(Vectors.parse("snp_basic.igvm"), IDENTITY, ID_KEY, Optional.empty());
    SnpIdBlock block = idBlock(signed);
    byte[] sig = block.idKeySignature().toByteArray();
    byte[] der =
        new DERSequence(
                new ASN1Integer[] {
                  new ASN1Integer(LittleEndian.get(sig, 0, 72)),
                  new ASN1Integer(LittleEndian.get(sig, 72, 72))
                })
            .getEncoded();
    SnpPublicKey pub = SnpPublicKey.fromIgvm(block.idPublicKey());
    java.security.AlgorithmParameters params = java.security.AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp384r1"));
    java.security.spec.ECParameterSpec spec =
        params.getParameterSpec(java.security.spec.ECParameterSpec.class);
    java.security.PublicKey jdkKey =
        KeyFactory.getInstance("EC")
            .generatePublic(
                new java.security.spec.ECPublicKeySpec(
                    new java.security.spec.ECPoint(pub.qx(), pub.qy()), spec));
    Signature verifier = Signature.getInstance("SHA384withECDSA");
    verifier.initVerify(jdkKey);
    verifier.update(
        new IdBlock(block.ld(), block.familyId(), block.imageId(), 1, 7, 0x30000).encode());
    assertTrue(verifier.verify(der));
  }

  @Test
  void aFlippedBitAnywhereInTheBlockSignatureOrKeysFails() throws Exception {
    IgvmFile signed =
        IdBlockSigner.sign(
            Vectors.parse("snp_basic.igvm"), IDENTITY, ID_KEY, Optional.of(AUTHOR_KEY));
    byte[] bytes = IgvmWriter.write(signed);
    int content = idBlockContentOffset(bytes);
    Random random = new Random(42);
    int failed = 0;
    for (int i = 0; i < 696; i++) {
      byte[] corrupt = bytes.clone();
      corrupt[content + i] ^= (byte) (1 << random.nextInt(8));
      fixChecksum(corrupt);
      boolean rejected;
      try {
        List<IdBlockVerifier.Verdict> verdicts = IdBlockVerifier.verify(IgvmParser.parse(corrupt));
        rejected = verdicts.size() != 1 || !verdicts.getFirst().valid();
      } catch (IgvmFormatException e) {
        rejected = true; // a reserved field or the mask: the file no longer parses
      }
      assertTrue(rejected, "a flipped bit in byte " + i + " of the SNP_ID_BLOCK went unnoticed");
      failed++;
    }
    assertEquals(696, failed);
  }

  @Test
  void anotherPolicyOrPageBreaksTheBlock() throws Exception {
    IgvmFile signed =
        IdBlockSigner.sign(Vectors.parse("snp_basic.igvm"), IDENTITY, ID_KEY, Optional.empty());
    List<DirectiveHeader> directives = new java.util.ArrayList<>(signed.directives());
    directives.add(0, DirectiveHeader.PageData.normal(0x7000_0000L, 1, Blob.of(new byte[] {1})));
    List<IdBlockVerifier.Verdict> verdicts =
        IdBlockVerifier.verify(signed.withDirectives(directives));
    assertFalse(verdicts.getFirst().valid());
    assertTrue(
        verdicts.getFirst().problems().getFirst().contains("launch digest"), verdicts.toString());
    IgvmFile otherPolicy =
        new IgvmFile(
            signed.revision(),
            signed.platforms(),
            List.of(new io.parasol.igvm.format.InitializationHeader.GuestPolicy(0x30001, 1)),
            signed.directives());
    assertFalse(IdBlockVerifier.verify(otherPolicy).getFirst().valid());
  }

  @Test
  void readsPemKeysAndRejectsOtherCurves(@TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair pair = generator.generateKeyPair();
    Path pem = dir.resolve("id.pem");
    Files.writeString(pem, pem(pair.getPrivate()));
    P384Key key = P384Key.readPem(pem);
    java.security.interfaces.ECPublicKey pub =
        (java.security.interfaces.ECPublicKey) pair.getPublic();
    assertEquals(pub.getW().getAffineX(), key.publicKey().qx());
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    Path p256 = dir.resolve("p256.pem");
    Files.writeString(p256, pem(generator.generateKeyPair().getPrivate()));
    SigningException e = assertThrows(SigningException.class, () -> P384Key.readPem(p256));
    assertTrue(e.getMessage().contains("P-384"), e.getMessage());
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "not a key");
    assertThrows(SigningException.class, () -> P384Key.readPem(garbage));
    assertThrows(SigningException.class, () -> P384Key.readPem(dir.resolve("missing.pem")));
  }

  @Test
  void aFileWithoutSnpOrPolicyCannotBeSigned() {
    SigningException e =
        assertThrows(
            SigningException.class,
            () ->
                IdBlockSigner.sign(
                    Vectors.parse("tdx_basic.igvm"), IDENTITY, ID_KEY, Optional.empty()));
    assertTrue(e.getMessage().contains("no SEV_SNP"), e.getMessage());
  }

  /** PKCS#8 PEM, as {@code openssl genpkey} writes it. */
  private static String pem(java.security.PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static SnpIdBlock idBlock(IgvmFile file) {
    return file.directives().stream()
        .filter(d -> d instanceof SnpIdBlock)
        .map(d -> (SnpIdBlock) d)
        .findFirst()
        .orElseThrow();
  }

  private static int idBlockContentOffset(byte[] file) {
    int at = 24;
    int end = 24 + le(file, 12);
    while (at < end) {
      int type = le(file, at);
      int length = le(file, at + 4);
      if (type == 0x30B) {
        return at + 8;
      }
      at += 8 + ((length + 7) & ~7);
    }
    throw new AssertionError("no SNP_ID_BLOCK");
  }

  private static void fixChecksum(byte[] file) {
    CRC32 crc = new CRC32();
    crc.update(file, 0, 20);
    crc.update(new byte[4]);
    crc.update(file, 24, le(file, 12));
    int v = (int) crc.getValue();
    for (int i = 0; i < 4; i++) {
      file[20 + i] = (byte) (v >>> (8 * i));
    }
  }

  private static int le(byte[] b, int at) {
    return (b[at] & 0xFF)
        | (b[at + 1] & 0xFF) << 8
        | (b[at + 2] & 0xFF) << 16
        | (b[at + 3] & 0xFF) << 24;
  }
}
