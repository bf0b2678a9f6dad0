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

  /** Every certificate in {@code data}: one DER certificate, or any number of PEM blocks. */
  static List<X509Certificate> parse(byte[] data) throws CertificateException {
    CertificateFactory f = CertificateFactory.getInstance("X.509", BC);
    List<X509Certificate> out = new ArrayList<>();
    for (var c : f.generateCertificates(new ByteArrayInputStream(data))) {
      out.add((X509Certificate) c);
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
    try {
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
