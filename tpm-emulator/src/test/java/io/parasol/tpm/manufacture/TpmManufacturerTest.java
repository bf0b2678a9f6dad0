package io.parasol.tpm.manufacture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmTestSupport;
import io.parasol.tpm.nv.NvPublic;
import io.parasol.tpm.nv.TpmaNv;
import io.parasol.tpm.object.TpmtPublic;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class TpmManufacturerTest extends TpmTestSupport {
  private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");

  /** A self-signed test CA with the given key. */
  static X509Certificate caCertificate(KeyPair ca, String signatureAlgorithm) throws Exception {
    X500Name name = new X500Name("CN=Parasol test EK CA");
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            Date.from(NOW.minus(1, ChronoUnit.DAYS)),
            Date.from(NOW.plus(3650, ChronoUnit.DAYS)),
            name,
            ca.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(
        Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(ca.getPublic()));
    X509CertificateHolder holder =
        b.build(new JcaContentSignerBuilder(signatureAlgorithm).build(ca.getPrivate()));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  /** The attributes of the SAN's one directory name, by OID. */
  static Map<String, String> subjectAltDirectoryName(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(Extension.subjectAlternativeName.getId());
    GeneralName[] names =
        GeneralNames.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getNames();
    assertEquals(1, names.length);
    assertEquals(GeneralName.directoryName, names[0].getTagNo());
    Map<String, String> attributes = new TreeMap<>();
    for (RDN rdn : X500Name.getInstance(names[0].getName()).getRDNs()) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        attributes.put(
            atv.getType().getId(), DERUTF8String.getInstance(atv.getValue()).getString());
      }
    }
    return attributes;
  }

  static KeyPair keyPair(String algorithm, int size) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    g.initialize(size);
    return g.generateKeyPair();
  }

  private void powerCycleAndStartup() {
    tpm.powerOff();
    tpm.powerOn();
    startup();
  }

  private byte[] nvReadAll(int index, int size) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int offset = 0; offset < size; offset += 1024) {
      int chunk = Math.min(1024, size - offset);
      int at = offset;
      TpmResponse r =
          expect(
              TpmRc.SUCCESS,
              TpmCommandBuilder.command(TpmCc.NV_READ)
                  .handle(TpmHandle.RH_OWNER)
                  .handle(index)
                  .password()
                  .params(w -> w.writeU16(chunk).writeU16(at)));
      out.write(parametersOf(r, 0).read2B(4096));
    }
    return out.toByteArray();
  }

  private NvPublic nvPublic(int index) throws Exception {
    TpmResponse r =
        expect(TpmRc.SUCCESS, TpmCommandBuilder.command(TpmCc.NV_READ_PUBLIC).handle(index));
    return NvPublic.read2B(r.body());
  }

  /** The EK a client gets from TPM2_CreatePrimary with the profile template (tpm2_createek). */
  private TpmtPublic createEk(EkKind kind) throws Exception {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            TpmCommandBuilder.command(TpmCc.CREATE_PRIMARY)
                .handle(TpmHandle.RH_ENDORSEMENT)
                .password()
                .params(
                    w -> {
                      w.writeU16(4).write2B(new byte[0]).write2B(new byte[0]);
                      kind.template().write2B(w);
                      w.write2B(new byte[0]).writeU32(0);
                    }));
    int handle = r.body().readU32();
    TpmtPublic ek = TpmtPublic.read2B(parametersOf(r, 1), false);
    expect(
        TpmRc.SUCCESS,
        TpmCommandBuilder.command(TpmCc.FLUSH_CONTEXT).params(w -> w.writeU32(handle)));
    return ek;
  }

  @Test
  void bothEksGetCertificatesSignedByTheCaInTheProfilesIndices() throws Exception {
    KeyPair ca = keyPair("RSA", 2048);
    X509Certificate caCert = caCertificate(ca, "SHA256withRSA");
    EkCertificateIssuer issuer = new EkCertificateIssuer(ca.getPrivate(), caCert);
    List<TpmManufacturer.ProvisionedEk> eks =
        TpmManufacturer.manufacture(
            tpm, issuer, EnumSet.allOf(EkKind.class), NOW, new SecureRandom());
    assertEquals(2, eks.size());

    powerCycleAndStartup(); // the manufacturer shut the TPM down (CLEAR)
    for (TpmManufacturer.ProvisionedEk ek : eks) {
      int index = ek.kind().certificateIndex();
      X509Certificate cert = ek.certificate();
      cert.verify(caCert.getPublicKey());
      NvPublic pub = nvPublic(index);
      assertEquals(
          TpmManufacturer.CERTIFICATE_ATTRIBUTES | TpmaNv.WRITTEN | TpmaNv.WRITELOCKED,
          pub.attributes(),
          "attributes of 0x" + Integer.toHexString(index));
      assertEquals(0x42072001, TpmManufacturer.CERTIFICATE_ATTRIBUTES); // as swtpm_setup writes
      assertArrayEquals(cert.getEncoded(), nvReadAll(index, pub.dataSize()));
      // The certified key is the EK any client derives from the endorsement seed.
      assertArrayEquals(
          TpmManufacturer.javaKey(createEk(ek.kind())).getEncoded(),
          cert.getPublicKey().getEncoded());
      // The profile's fields.
      assertEquals(-1, cert.getBasicConstraints());
      assertTrue(
          cert.getCriticalExtensionOIDs().contains(Extension.subjectAlternativeName.getId()));
      assertEquals("", cert.getSubjectX500Principal().getName());
      assertEquals(List.of("2.23.133.8.1"), cert.getExtendedKeyUsage());
      boolean[] usage = cert.getKeyUsage();
      assertEquals(ek.kind() == EkKind.RSA_2048, usage[2], "keyEncipherment");
      assertEquals(ek.kind() == EkKind.ECC_P256, usage[4], "keyAgreement");
      assertEquals(
          Map.of(
              "2.23.133.2.1", "id:5052534C", // "PRSL"
              "2.23.133.2.2", "Parasol vTPM",
              "2.23.133.2.3", "id:00000001"),
          subjectAltDirectoryName(cert));
      assertEquals(NOW, cert.getNotBefore().toInstant());
      assertEquals(EkCertificateIssuer.NO_EXPIRY, cert.getNotAfter().toInstant());
    }
  }

  @Test
  void manufacturingAgainReplacesTheCertificateAndAnEcCaWorks() throws Exception {
    KeyPair ca = keyPair("EC", 384);
    X509Certificate caCert = caCertificate(ca, "SHA384withECDSA");
    EkCertificateIssuer issuer = new EkCertificateIssuer(ca.getPrivate(), caCert);
    Set<EkKind> rsa = EnumSet.of(EkKind.RSA_2048);
    X509Certificate first =
        TpmManufacturer.manufacture(tpm, issuer, rsa, NOW, new SecureRandom())
            .getFirst()
            .certificate();
    X509Certificate second =
        TpmManufacturer.manufacture(tpm, issuer, rsa, NOW, new SecureRandom())
            .getFirst()
            .certificate();
    assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
    assertEquals(first.getPublicKey(), second.getPublicKey());
    second.verify(caCert.getPublicKey());
    assertEquals("SHA384withECDSA", second.getSigAlgName());
    powerCycleAndStartup();
    assertArrayEquals(second.getEncoded(), nvReadAll(0x01C00002, nvPublic(0x01C00002).dataSize()));
    expect(
        TpmRc.handle(TpmRc.HANDLE, 1),
        TpmCommandBuilder.command(TpmCc.NV_READ_PUBLIC).handle(0x01C0000A));
  }

  @Test
  void aKeyThatIsNotTheCasOrACertificateThatIsNotACaIsRefused() throws Exception {
    KeyPair ca = keyPair("RSA", 2048);
    X509Certificate caCert = caCertificate(ca, "SHA256withRSA");
    ManufactureException wrongKey =
        assertThrows(
            ManufactureException.class,
            () -> new EkCertificateIssuer(keyPair("RSA", 2048).getPrivate(), caCert));
    assertTrue(wrongKey.getMessage().contains("does not belong"), wrongKey.getMessage());

    EkCertificateIssuer issuer = new EkCertificateIssuer(ca.getPrivate(), caCert);
    X509Certificate ekCert =
        TpmManufacturer.manufacture(
                tpm, issuer, EnumSet.of(EkKind.ECC_P256), NOW, new SecureRandom())
            .getFirst()
            .certificate();
    ManufactureException notCa =
        assertThrows(
            ManufactureException.class, () -> new EkCertificateIssuer(ca.getPrivate(), ekCert));
    assertTrue(notCa.getMessage().contains("not a CA"), notCa.getMessage());
  }

  @Test
  void endorsementAuthorizationFailureNamesTheCommand() throws Exception {
    startup();
    expect(
        TpmRc.SUCCESS,
        TpmCommandBuilder.command(TpmCc.HIERARCHY_CHANGE_AUTH)
            .handle(TpmHandle.RH_ENDORSEMENT)
            .password()
            .params(w -> w.write2B(new byte[] {'e', 'p', 'w'})));
    KeyPair ca = keyPair("RSA", 2048);
    EkCertificateIssuer issuer =
        new EkCertificateIssuer(ca.getPrivate(), caCertificate(ca, "SHA256withRSA"));
    ManufactureException e =
        assertThrows(
            ManufactureException.class,
            () ->
                TpmManufacturer.manufacture(
                    tpm, issuer, EnumSet.of(EkKind.RSA_2048), NOW, new SecureRandom()));
    assertTrue(e.getMessage().startsWith("TPM2_CreatePrimary failed: "), e.getMessage());
  }
}
