package io.parasol.tools.attest;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Certificate parsing and checks with Bouncy Castle, which accepts what AMD's KDS issues (serial
 * number 0, RSASSA-PSS with explicit parameters).
 */
final class Certificates {
  static final Provider BC = new BouncyCastleProvider();

  private Certificates() {}

  private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String PEM_END = "-----END CERTIFICATE-----";

  /**
   * Every certificate in {@code data}: one DER certificate, or any number of PEM blocks. Each must
   * be strict DER: Bouncy Castle accepts some BER (a BOOLEAN of 0x4c, say) and re-encodes it to DER
   * before checking the signature, so a certificate whose bytes were changed could otherwise still
   * verify.
   */
  static List<X509Certificate> parse(byte[] data) throws CertificateException {
    List<byte[]> ders = new ArrayList<>();
    String text = new String(data, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (text.contains(PEM_BEGIN)) {
      int at = 0;
      while ((at = text.indexOf(PEM_BEGIN, at)) >= 0) {
        int end = text.indexOf(PEM_END, at);
        if (end < 0) {
          throw new CertificateException("a PEM certificate has no END line");
        }
        try {
          ders.add(
              java.util.Base64.getMimeDecoder()
                  .decode(text.substring(at + PEM_BEGIN.length(), end).strip()));
        } catch (IllegalArgumentException e) {
          throw new CertificateException("a PEM certificate is not base64");
        }
        at = end + PEM_END.length();
      }
    } else {
      ders.add(data);
    }
    CertificateFactory f = CertificateFactory.getInstance("X.509", BC);
    List<X509Certificate> out = new ArrayList<>();
    for (byte[] der : ders) {
      X509Certificate c;
      try {
        c = (X509Certificate) f.generateCertificate(new ByteArrayInputStream(der));
        if (c == null) {
          throw new CertificateException("no certificate in " + der.length + " bytes");
        }
        // Bouncy Castle decodes some fields lazily and throws unchecked exceptions for bad ones (a
        // point off its curve, a malformed date): decode them here, where bad input is expected.
        c.getPublicKey();
        c.getNotBefore();
        c.getNotAfter();
        c.getSubjectX500Principal();
        c.getIssuerX500Principal();
        c.getTBSCertificate();
      } catch (RuntimeException e) {
        throw new CertificateException("a certificate is malformed: " + e.getMessage(), e);
      }
      if (!java.util.Arrays.equals(c.getEncoded(), der)) {
        throw new CertificateException(
            "the certificate for " + cn(c.getSubjectX500Principal()) + " is not in strict DER");
      }
      out.add(c);
    }
    if (out.isEmpty()) {
      throw new CertificateException("no certificate in " + data.length + " bytes");
    }
    return out;
  }

  /** The common name of a principal, or its whole name. */
  static String cn(X500Principal p) {
    for (String part : p.getName(X500Principal.RFC2253).split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return p.getName();
  }

  static String sha256(X509Certificate c) {
    try {
      return Hex.of(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code cert} carries a signature {@code issuerKey} made; never throws. */
  static boolean signedBy(X509Certificate cert, PublicKey issuerKey) {
    // A pure function of the two encodings, and the same VCEKs and PCK certificates come back in
    // every report of their platform: remember the answers (bounded; cleared when full).
    String key;
    try {
      key =
          sha256(cert)
              + "/"
              + Hex.of(MessageDigest.getInstance("SHA-256").digest(issuerKey.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Boolean known = SIGNED_BY.get(key);
    if (known != null) {
      return known;
    }
    boolean ok = checkSignedBy(cert, issuerKey);
    if (SIGNED_BY.size() >= SIGNED_BY_CAPACITY) {
      SIGNED_BY.clear();
    }
    SIGNED_BY.put(key, ok);
    return ok;
  }

  private static final int SIGNED_BY_CAPACITY = 4096;
  private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> SIGNED_BY =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static boolean checkSignedBy(X509Certificate cert, PublicKey issuerKey) {
    try {
      // Bouncy Castle: several times faster than the JDK's providers for ECDSA here. It checks
      // the DER re-encoding of the TBS part, which parse() made sure are the certificate's bytes.
      // RFC 5280 §4.1.1.2: the unsigned outer signatureAlgorithm must equal the signed one, or
      // its parameters (PSS's hash, say) could be changed without touching the signature.
      org.bouncycastle.asn1.x509.Certificate asn1 =
          org.bouncycastle.asn1.x509.Certificate.getInstance(cert.getEncoded());
      if (!asn1.getSignatureAlgorithm().equals(asn1.getTBSCertificate().getSignature())) {
        return false;
      }
      cert.verify(issuerKey, BC);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Whether {@code at} is inside the certificate's validity. */
  static boolean validAt(X509Certificate c, Instant at) {
    Date d = Date.from(at);
    return !d.before(c.getNotBefore()) && !d.after(c.getNotAfter());
  }

  /** A sentence naming a certificate by CN and validity, for verdicts. */
  static String describe(X509Certificate c) {
    return cn(c.getSubjectX500Principal())
        + " (valid "
        + c.getNotBefore().toInstant()
        + " to "
        + c.getNotAfter().toInstant()
        + ")";
  }
}
