package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgvmCommandTest {
  static final Path VECTORS = Path.of("../igvm-image/src/test/resources/io/parasol/igvm/vectors");

  static MainTest.Result parasol(String... args) {
    return MainTest.parasol(args);
  }

  @Test
  void measurePrintsEachPlatformsDigest() throws Exception {
    MainTest.Result r =
        parasol("igvm", "measure", VECTORS.resolve("multi_platform.igvm").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(
        r.out()
            .contains(
                "c7026e8bbefc2511f08232d7a5852577d0cfda44ffb62d0d552d7605da49310cd788e96427161e665300071ef8cd9671"),
        r.out());
    assertTrue(
        r.out().contains("ab915086aa38fb3ad9c87afcb2f565e661447cd1b7224415638f892626216e2a"),
        r.out());
    MainTest.Result json =
        parasol(
            "igvm",
            "measure",
            "--json",
            "--platform",
            "tdx",
            VECTORS.resolve("multi_platform.igvm").toString());
    assertEquals(0, json.exitCode(), json.err());
    JsonNode array = new ObjectMapper().readTree(json.out());
    assertEquals(1, array.size());
    assertEquals("TDX", array.get(0).get("platform").asText());
    assertEquals(
        "68a06c67416a6a596bbf1b9934953131a55149d29dac3d907183f81bcd158e47d50baf459109ddd15377d53eac65b67e",
        array.get(0).get("digest").asText());
  }

  @Test
  void measureJsonIsAnAttestationPolicysMeasurementsAsItIs() throws Exception {
    MainTest.Result json =
        parasol("igvm", "measure", "--json", VECTORS.resolve("multi_platform.igvm").toString());
    assertEquals(0, json.exitCode(), json.err());
    io.parasol.tools.attest.Policy policy =
        io.parasol.tools.attest.Policy.parse("{\"measurements\":" + json.out() + "}");
    java.util.List<String> allowed =
        policy.measurements().stream().map(java.util.HexFormat.of()::formatHex).toList();
    // The SNP launch digest and the TDX MRTD; the VBS boot digest has no hardware report to meet.
    assertEquals(
        java.util.List.of(
            "c7026e8bbefc2511f08232d7a5852577d0cfda44ffb62d0d552d7605da49310cd788e96427161e665300071ef8cd9671",
            "68a06c67416a6a596bbf1b9934953131a55149d29dac3d907183f81bcd158e47d50baf459109ddd15377d53eac65b67e"),
        allowed.stream().sorted(java.util.Comparator.comparing(h -> !h.startsWith("c7"))).toList());
  }

  @Test
  void dumpShowsEveryHeader() throws Exception {
    MainTest.Result r = parasol("igvm", "dump", VECTORS.resolve("vbs_basic.igvm").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("SUPPORTED_PLATFORM"), r.out());
    assertTrue(r.out().contains("register 0x20010"), r.out()); // RIP in the VBS context
    MainTest.Result json =
        parasol("igvm", "dump", "--json", VECTORS.resolve("snp_basic.igvm").toString());
    JsonNode root = new ObjectMapper().readTree(json.out());
    assertEquals(17, root.get("headers").size());
    assertEquals("GUEST_POLICY", root.get("headers").get(1).get("type").asText());
    assertEquals(0x30000, root.get("headers").get(1).get("policy").asLong());
  }

  @Test
  void badInputGetsOneSentenceAndItsExitCode(@TempDir Path dir) throws Exception {
    Path notIgvm = dir.resolve("not.igvm");
    Files.writeString(notIgvm, "hello, this is not an IGVM file at all");
    MainTest.Result invalid = parasol("igvm", "verify", notIgvm.toString());
    assertEquals(3, invalid.exitCode());
    assertTrue(invalid.err().contains("offset 0x0: magic"), invalid.err());
    assertFalse(invalid.err().contains("Exception"), invalid.err());
    MainTest.Result missing = parasol("igvm", "dump", dir.resolve("none.igvm").toString());
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("no such file"), missing.err());
    MainTest.Result noPlatform =
        parasol(
            "igvm", "measure", "--platform", "snp", VECTORS.resolve("tdx_basic.igvm").toString());
    assertEquals(4, noPlatform.exitCode());
    MainTest.Result usage =
        parasol(
            "igvm", "measure", "--platform", "arm", VECTORS.resolve("tdx_basic.igvm").toString());
    assertEquals(2, usage.exitCode());
  }

  @Test
  void signThenVerifyAndATamperedFileFails(@TempDir Path dir) throws Exception {
    Path idKey = pem(dir, "id.pem");
    Path authorKey = pem(dir, "author.pem");
    Path signed = dir.resolve("signed.igvm");
    MainTest.Result sign =
        parasol(
            "igvm",
            "sign",
            VECTORS.resolve("snp_basic.igvm").toString(),
            "--id-key",
            idKey.toString(),
            "--author-key",
            authorKey.toString(),
            "--out",
            signed.toString(),
            "--svn",
            "2");
    assertEquals(0, sign.exitCode(), sign.err());
    MainTest.Result verify = parasol("igvm", "verify", signed.toString());
    assertEquals(0, verify.exitCode(), verify.err());
    assertTrue(verify.out().contains("signature ok"), verify.out());
    // A different key's block spliced in: swap the ID public key for the author's.
    Path other = dir.resolve("other.igvm");
    parasol(
        "igvm",
        "sign",
        VECTORS.resolve("snp_basic.igvm").toString(),
        "--id-key",
        authorKey.toString(),
        "--out",
        other.toString());
    byte[] a = Files.readAllBytes(signed);
    byte[] b = Files.readAllBytes(other);
    int keyAt = a.length - (a.length - indexOfIdBlock(a)) + 8 + 248;
    System.arraycopy(b, indexOfIdBlock(b) + 8 + 248, a, keyAt, 152);
    fixChecksum(a);
    Path tampered = dir.resolve("tampered.igvm");
    Files.write(tampered, a);
    MainTest.Result bad = parasol("igvm", "verify", tampered.toString());
    assertEquals(5, bad.exitCode(), bad.out());
    assertTrue(bad.err().contains("does not verify"), bad.err());
    MainTest.Result unsigned =
        parasol(
            "igvm", "verify", "--require-signature", VECTORS.resolve("snp_basic.igvm").toString());
    assertEquals(5, unsigned.exitCode());
  }

  static Path pem(Path dir, String name) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    Path file = dir.resolve(name);
    Files.writeString(
        file,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    return file;
  }

  private static int indexOfIdBlock(byte[] file) {
    int at = 24;
    while (true) {
      int type = le(file, at);
      if (type == 0x30B) {
        return at;
      }
      at += 8 + ((le(file, at + 4) + 7) & ~7);
    }
  }

  private static void fixChecksum(byte[] file) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
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

  @Test
  void referenceWritesJsonAndCorim(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("ref.json");
    Path corim = dir.resolve("ref.cbor");
    MainTest.Result r =
        parasol(
            "igvm",
            "reference",
            VECTORS.resolve("snp_basic.igvm").toString(),
            "--out",
            json.toString(),
            "--corim",
            corim.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals(
        "728bd9e08ded45e7397d1d32ab6578bce8d47dd82ba325ba0464cb4a3158196b9a9741c202813fb7191116b3a128ece9",
        root.get("platforms").get(0).get("digest").asText());
    assertEquals("0x30000", root.get("platforms").get(0).get("policy").asText());
    byte[] cbor = Files.readAllBytes(corim);
    assertEquals((byte) 0xD9, cbor[0]); // tag 501 takes a two-byte argument
    assertEquals(0x01F5, (cbor[1] & 0xFF) << 8 | (cbor[2] & 0xFF));
  }

  @Test
  void buildWritesAReproducibleImageThatVerifies(@TempDir Path dir) throws Exception {
    byte[] guest = new byte[20_000];
    new java.util.Random(5).nextBytes(guest);
    Files.write(dir.resolve("guest.bin"), guest);
    Path recipe = dir.resolve("r.json");
    Files.writeString(
        recipe,
        "{\"platforms\": [{\"type\": \"snp\"}, {\"type\": \"native\"}], \"memory\": {\"bytes\": \"8M\"},"
            + " \"payload\": {\"pages\": [{\"gpa\": \"0x100000\", \"file\": \"guest.bin\"}],"
            + " \"entry\": {\"mode\": \"protected32\", \"rip\": \"0x100000\"}}}");
    Path a = dir.resolve("a.igvm");
    Path b = dir.resolve("b.igvm");
    MainTest.Result r =
        parasol("igvm", "build", "--recipe", recipe.toString(), "--out", a.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("SNP_LAUNCH_DIGEST"), r.out());
    assertEquals(
        0,
        parasol("igvm", "build", "--recipe", recipe.toString(), "--out", b.toString()).exitCode());
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        Files.readAllBytes(a), Files.readAllBytes(b));
    assertEquals(0, parasol("igvm", "verify", a.toString()).exitCode());
    Files.writeString(recipe, "{\"platforms\": []}");
    MainTest.Result bad =
        parasol("igvm", "build", "--recipe", recipe.toString(), "--out", b.toString());
    assertEquals(1, bad.exitCode());
    assertTrue(bad.err().contains("/platforms must be a non-empty array"), bad.err());
  }

  /**
   * An image of 1 MiB or more is memory-mapped: it measures to the digest of the same bytes read
   * into an array, and a truncated one fails with a sentence and exit code 3.
   */
  @Test
  void aMappedImageMeasuresAsAnArrayAndATruncatedOneFailsCleanly(@TempDir Path dir)
      throws Exception {
    byte[] guest = new byte[2 << 20];
    new java.util.Random(6).nextBytes(guest);
    Files.write(dir.resolve("guest.bin"), guest);
    Path recipe = dir.resolve("r.json");
    Files.writeString(
        recipe,
        "{\"platforms\": [{\"type\": \"snp\"}, {\"type\": \"tdx\"}, {\"type\": \"vbs\"}],"
            + " \"memory\": {\"bytes\": \"8M\"},"
            + " \"payload\": {\"pages\": [{\"gpa\": \"0x100000\", \"file\": \"guest.bin\"}],"
            + " \"entry\": {\"mode\": \"protected32\", \"rip\": \"0x100000\"}}}");
    Path image = dir.resolve("big.igvm");
    assertEquals(
        0,
        parasol("igvm", "build", "--recipe", recipe.toString(), "--out", image.toString())
            .exitCode());
    byte[] bytes = Files.readAllBytes(image);
    assertTrue(bytes.length > (1 << 20));
    MainTest.Result measured = parasol("igvm", "measure", "--json", image.toString());
    assertEquals(0, measured.exitCode(), measured.err());
    JsonNode json = new ObjectMapper().readTree(measured.out());
    java.util.List<io.parasol.igvm.measure.LaunchMeasurement> expected =
        io.parasol.igvm.measure.LaunchMeasurements.of(
            io.parasol.igvm.format.IgvmParser.parse(bytes));
    assertEquals(3, json.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(expected.get(i).hex(), json.get(i).get("digest").asText());
    }
    Path truncated = dir.resolve("truncated.igvm");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 4096));
    MainTest.Result broken = parasol("igvm", "measure", truncated.toString());
    assertEquals(3, broken.exitCode(), broken.err());
    assertTrue(broken.err().contains("total_file_size"), broken.err());
    assertFalse(broken.err().contains("Exception"), broken.err());
  }
}
