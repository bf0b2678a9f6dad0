package io.parasol.igvm.sign;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** An ECDSA P-384 private key (an SNP ID or author key) and its public point. */
public final class P384Key {
  static final X9ECParameters CURVE = ECNamedCurveTable.getByName("secp384r1");
  static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());

  private final ECPrivateKeyParameters privateKey;
  private final ECPublicKeyParameters publicKey;

  private P384Key(BigInteger d) {
    if (d.signum() <= 0 || d.compareTo(DOMAIN.getN()) >= 0) {
      throw new IllegalArgumentException("the private scalar is not in [1, n)");
    }
    this.privateKey = new ECPrivateKeyParameters(d, DOMAIN);
    ECPoint q = new FixedPointCombMultiplier().multiply(DOMAIN.getG(), d).normalize();
    this.publicKey = new ECPublicKeyParameters(q, DOMAIN);
  }

  /** The key with private scalar {@code d}. */
  public static P384Key of(BigInteger d) {
    return new P384Key(d);
  }

  /** Reads an unencrypted PEM private key (PKCS#8 or SEC 1) on the P-384 curve. */
  public static P384Key readPem(Path file) throws SigningException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      Object o = pem.readObject();
      PrivateKeyInfo info =
          switch (o) {
            case PEMKeyPair pair -> pair.getPrivateKeyInfo();
            case PrivateKeyInfo i -> i;
            case null -> throw new SigningException(file + " holds no PEM private key");
            default ->
                throw new SigningException(
                    file
                        + " holds a "
                        + o.getClass().getSimpleName()
                        + ", not an unencrypted EC private key (PKCS#8 or SEC 1 PEM)");
          };
      java.security.PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(info);
      if (!(key instanceof ECPrivateKey ec)) {
        throw new SigningException(file + " is not an EC key; SNP ID keys are ECDSA P-384");
      }
      if (!ec.getParams().getOrder().equals(DOMAIN.getN())
          || ec.getParams().getCurve().getField().getFieldSize() != 384) {
        throw new SigningException(
            file + " is an EC key on another curve; SNP ID keys are P-384 (secp384r1)");
      }
      return new P384Key(ec.getS());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new SigningException("cannot read the key " + file + ": no such file", e);
    } catch (IOException | RuntimeException e) {
      throw new SigningException("cannot read the key " + file + ": " + e.getMessage(), e);
    }
  }

  ECPrivateKeyParameters privateParameters() {
    return privateKey;
  }

  ECPublicKeyParameters publicParameters() {
    return publicKey;
  }

  /** The public key in SNP's layout (curve u32 = 2, Qx and Qy as 72-byte little-endian). */
  public SnpPublicKey publicKey() {
    ECPoint q = publicKey.getQ();
    return new SnpPublicKey(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
  }
}
