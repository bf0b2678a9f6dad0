package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parasol tpm manufacture} with a CA made here by openssl, then the manufactured vTPM under
 * {@code parasol tpm serve}: tpm2-tools read the EK certificates from their NV indices (0x01C00002
 * RSA, 0x01C0000A ECC), the JDK checks the CA's signature, and the certified keys are the EKs
 * {@code tpm2_createek} derives.
 */
class TpmManufactureIT {
  @TempDir Path root;

  @BeforeAll
  static void tools() throws Exception {
    TpmClientTools.ensureInstalled();
  }

  private TpmClientTools.Result ok(TpmUnderTest tpm, String command) throws Exception {
    TpmClientTools.Result r = TpmClientTools.run(tpm.tcti(), root, List.of(command.split(" ")));
    assertTrue(r.succeeded(), command + ": " + r);
    return r;
  }

  private void openssl(String... args) throws Exception {
    Process p = new ProcessBuilder(args).directory(root.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", args) + ": " + out);
  }

  private static X509Certificate certificate(byte[] der) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  /** The DER SubjectPublicKeyInfo in a PEM "PUBLIC KEY" file (tpm2_createek -f pem). */
  private byte[] pemPublicKey(String file) throws Exception {
    String pem = Files.readString(root.resolve(file));
    return Base64.getMimeDecoder()
        .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
  }

  @Test
  void manufacturedEkCertificatesAreReadableSignedByTheCaAndCertifyTheEks() throws Exception {
    openssl(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "30",
        "-subj",
        "/CN=Parasol IT EK CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    Path state = root.resolve("vtpm");
    TpmClientTools.Result made =
        TpmUnderTest.Parasol.runToExit(
            "tpm",
            "manufacture",
            "--state",
            state.toString(),
            "--ca-key",
            root.resolve("ca.key").toString(),
            "--ca-cert",
            root.resolve("ca.crt").toString());
    assertEquals(0, made.exitCode(), made.toString());
    assertTrue(made.stdout().contains("ek rsa2048: certificate in NV 0x01C00002"), made.stdout());
    assertTrue(made.stdout().contains("ek ecc-p256: certificate in NV 0x01C0000A"), made.stdout());
    X509Certificate ca = certificate(Files.readAllBytes(root.resolve("ca.crt")));

    try (TpmUnderTest.Parasol server =
        TpmUnderTest.Parasol.start("--state", state.toString(), "--mssim", "0")) {
      ok(server, "tpm2_startup -c");
      String pub = ok(server, "tpm2_nvreadpublic 0x1c00002").stdout();
      // As swtpm_setup writes it (0x42072001), then written and write-locked.
      assertTrue(pub.contains("value: 0x62072801"), pub);
      for (String[] ek : new String[][] {{"rsa", "0x1c00002"}, {"ecc", "0x1c0000a"}}) {
        String alg = ek[0];
        ok(server, "tpm2_nvread " + ek[1] + " -o ek-" + alg + ".der");
        X509Certificate cert = certificate(Files.readAllBytes(root.resolve("ek-" + alg + ".der")));
        cert.verify(ca.getPublicKey()); // throws unless the CA signed it
        cert.checkValidity();
        assertEquals(ca.getSubjectX500Principal(), cert.getIssuerX500Principal());
        assertEquals(List.of("2.23.133.8.1"), cert.getExtendedKeyUsage());
        ok(
            server,
            "tpm2_createek -c ek-" + alg + ".ctx -G " + alg + " -u ek-" + alg + ".pem -f pem");
        assertArrayEquals(
            pemPublicKey("ek-" + alg + ".pem"),
            cert.getPublicKey().getEncoded(),
            alg + ": the certificate certifies the EK tpm2_createek derives");
        ok(server, "tpm2_flushcontext -t");
      }
      // The platform wrote and locked the index: the owner cannot replace the certificate.
      Files.write(root.resolve("junk.bin"), new byte[16]);
      assertTrue(
          !TpmClientTools.run(
                  server.tcti(),
                  root,
                  List.of("tpm2_nvwrite", "0x1c00002", "-C", "o", "-i", "junk.bin"))
              .succeeded());
      assertEquals(0, server.stop(), server.stderr());
    }
  }
}
