package io.parasol.tpm.manufacture;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Attribute;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectDirectoryAttributes;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues EK certificates as the TCG EK Credential Profile for TPM Family 2.0 (version 2.5, §3.2)
 * describes them: X.509 v3, an empty subject with a critical subject alternative name holding the
 * TPM's manufacturer, model and version ({@code tcg-at-tpmManufacturer} 2.23.133.2.1, {@code
 * tcg-at-tpmModel} 2.23.133.2.2, {@code tcg-at-tpmVersion} 2.23.133.2.3, one directory name), the
 * TPM specification in the subject directory attributes ({@code tcg-at-tpmSpecification}
 * 2.23.133.2.16), critical basic constraints CA:FALSE, critical key usage keyEncipherment (RSA) or
 * keyAgreement (ECC), extended key usage {@code tcg-kp-EKCertificate} (2.23.133.8.1), the CA's key
 * identifier as authority key identifier, and no expiry (notAfter 99991231235959Z, RFC 5280
 * §4.1.2.5).
 */
public final class EkCertificateIssuer {
  /** {@code tcg-at-tpmManufacturer}. */
  public static final ASN1ObjectIdentifier TPM_MANUFACTURER =
      new ASN1ObjectIdentifier("2.23.133.2.1");

  /** {@code tcg-at-tpmModel}. */
  public static final ASN1ObjectIdentifier TPM_MODEL = new ASN1ObjectIdentifier("2.23.133.2.2");

  /** {@code tcg-at-tpmVersion}. */
  public static final ASN1ObjectIdentifier TPM_VERSION = new ASN1ObjectIdentifier("2.23.133.2.3");

  /** {@code tcg-at-tpmSpecification}. */
  public static final ASN1ObjectIdentifier TPM_SPECIFICATION =
      new ASN1ObjectIdentifier("2.23.133.2.16");

  /** {@code tcg-kp-EKCertificate}, the extended key usage of an EK certificate. */
  public static final ASN1ObjectIdentifier EK_CERTIFICATE =
      new ASN1ObjectIdentifier("2.23.133.8.1");

  /** RFC 5280 §4.1.2.5: a certificate with no well-defined expiration date. */
  static final Instant NO_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

  private final PrivateKey caKey;
  private final X509Certificate caCertificate;

  /**
   * An issuer signing with {@code caKey}, whose certificate is {@code caCertificate}.
   *
   * @throws ManufactureException if the certificate is not a CA's (basic constraints, key usage) or
   *     the key does not belong to it
   */
  public EkCertificateIssuer(PrivateKey caKey, X509Certificate caCertificate)
      throws ManufactureException {
    this.caKey = caKey;
    this.caCertificate = caCertificate;
    if (caCertificate.getBasicConstraints() < 0) {
      throw new ManufactureException(
          "the CA certificate "
              + caCertificate.getSubjectX500Principal()
              + " is not a CA's (basic constraints CA:FALSE or missing)");
    }
    boolean[] usage = caCertificate.getKeyUsage();
    if (usage != null && !usage[5]) {
      throw new ManufactureException(
          "the CA certificate " + caCertificate.getSubjectX500Principal() + " lacks keyCertSign");
    }
    if (!matches(caKey, caCertificate.getPublicKey())) {
      throw new ManufactureException(
          "the CA key does not belong to the CA certificate "
              + caCertificate.getSubjectX500Principal());
    }
  }

  /**
   * Reads the CA key (PEM: PKCS#8, or PKCS#1 RSA / SEC 1 EC, not encrypted) and its certificate
   * (PEM or DER).
   */
  public static EkCertificateIssuer fromFiles(Path keyFile, Path certificateFile)
      throws ManufactureException {
    return new EkCertificateIssuer(readKey(keyFile), readCertificate(certificateFile));
  }

  /** The CA certificate. */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /**
   * The EK certificate of {@code ek}, an EK of {@code kind} in the TPM {@code tpm}, valid from
   * {@code notBefore}, with a random 127-bit serial number.
   */
  public X509Certificate issue(
      EkKind kind, PublicKey ek, TpmIdentity tpm, Instant notBefore, SecureRandom random)
      throws ManufactureException {
    try {
      X500Name issuer = X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(127, random).setBit(126),
              Date.from(notBefore),
              Date.from(NO_EXPIRY),
              new X500Name(new RDN[0]),
              ek);
      RDN tpmRdn =
          new RDN(
              new AttributeTypeAndValue[] {
                new AttributeTypeAndValue(
                    TPM_MANUFACTURER, new DERUTF8String(tpm.manufacturerAttribute())),
                new AttributeTypeAndValue(TPM_MODEL, new DERUTF8String(tpm.modelAttribute())),
                new AttributeTypeAndValue(TPM_VERSION, new DERUTF8String(tpm.versionAttribute()))
              });
      b.addExtension(
          Extension.subjectAlternativeName,
          true,
          new GeneralNames(
              new GeneralName(GeneralName.directoryName, new X500Name(new RDN[] {tpmRdn}))));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(kind == EkKind.RSA_2048 ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(KeyPurposeId.getInstance(EK_CERTIFICATE)));
      b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier());
      ASN1EncodableVector spec = new ASN1EncodableVector();
      spec.add(new DERUTF8String(tpm.family()));
      spec.add(new ASN1Integer(tpm.level()));
      spec.add(new ASN1Integer(tpm.revision()));
      java.util.Vector<Attribute> attributes = new java.util.Vector<>();
      attributes.add(new Attribute(TPM_SPECIFICATION, new DERSet(new DERSequence(spec))));
      b.addExtension(
          Extension.subjectDirectoryAttributes, false, new SubjectDirectoryAttributes(attributes));
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(signatureAlgorithm()).build(caKey)));
    } catch (CertIOException | OperatorCreationException | CertificateException e) {
      throw new ManufactureException("cannot issue the " + kind.cliName() + " EK certificate", e);
    } catch (GeneralSecurityException e) {
      throw new ManufactureException("cannot issue the " + kind.cliName() + " EK certificate", e);
    }
  }

  /** The CA certificate's subject key identifier, or the SHA-1 of its public key (RFC 5280). */
  private AuthorityKeyIdentifier authorityKeyIdentifier() throws GeneralSecurityException {
    byte[] extension = caCertificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (extension != null) {
      byte[] ski = ASN1OctetString.getInstance(extension).getOctets();
      return new AuthorityKeyIdentifier(SubjectKeyIdentifier.getInstance(ski).getKeyIdentifier());
    }
    return new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCertificate.getPublicKey());
  }

  /** SHA-256 with RSA (PKCS#1 v1.5), or ECDSA with the hash of the CA curve's size. */
  private String signatureAlgorithm() throws ManufactureException {
    return switch (caKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> {
        int bits = caKey instanceof ECKey ec ? ec.getParams().getOrder().bitLength() : 256;
        yield bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
      }
      default ->
          throw new ManufactureException(
              "the CA key is " + caKey.getAlgorithm() + ", not RSA or EC");
    };
  }

  private static boolean matches(PrivateKey key, PublicKey certified) {
    try {
      String alg =
          switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> null;
          };
      if (alg == null) {
        return false;
      }
      byte[] probe =
          "parasol: does this key belong to the CA certificate?"
              .getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(alg);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(alg);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static PrivateKey readKey(Path file) throws ManufactureException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      Object o = pem.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      return switch (o) {
        case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        case null -> throw new ManufactureException(file + " holds no PEM private key");
        default ->
            throw new ManufactureException(
                file
                    + " holds a "
                    + o.getClass().getSimpleName()
                    + ", not an unencrypted private key (PKCS#8, PKCS#1 or SEC 1 PEM)");
      };
    } catch (PEMException e) {
      throw new ManufactureException("cannot read the CA key " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ManufactureException("cannot read the CA key " + file + ": " + e.getMessage(), e);
    }
  }

  static X509Certificate readCertificate(Path file) throws ManufactureException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | CertificateException e) {
      throw new ManufactureException(
          "cannot read the CA certificate " + file + ": " + e.getMessage(), e);
    }
  }
}
