package io.parasol.tpm.manufacture;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.client.TpmClient;
import io.parasol.tpm.client.TpmCommandException;
import io.parasol.tpm.command.capability.TpmProperty;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmsCapabilityData;
import io.parasol.tpm.nv.NvPublic;
import io.parasol.tpm.nv.TpmaNv;
import io.parasol.tpm.object.TpmtPublic;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Manufactures a TPM's endorsement credentials through TPM commands: TPM2_Startup(CLEAR) if the TPM
 * is not started, then for each {@link EkKind} TPM2_CreatePrimary in the endorsement hierarchy with
 * the profile's template (the EK is derived from the endorsement seed, so {@code tpm2_createek}
 * recreates the same key later), an EK certificate from the {@link EkCertificateIssuer}, and the
 * certificate in the profile's NV index: defined by the platform with {@link
 * #CERTIFICATE_ATTRIBUTES}, written in {@code MAX_NV_BUFFER_SIZE} pieces and write-locked (with
 * {@code TPMA_NV_WRITEDEFINE} the lock is permanent; only the platform can delete the index, as a
 * new manufacture does). A TPM this started is shut down (CLEAR) at the end.
 */
public final class TpmManufacturer {
  /**
   * The EK certificate index attributes: {@code PPWRITE | WRITEDEFINE | PPREAD | OWNERREAD |
   * AUTHREAD | NO_DA | PLATFORMCREATE} (0x42072001), ordinary, as TCG EK Credential Profile
   * §2.2.1.5 asks and {@code swtpm_setup} writes them.
   */
  public static final int CERTIFICATE_ATTRIBUTES =
      TpmaNv.PPWRITE
          | TpmaNv.WRITEDEFINE
          | TpmaNv.PPREAD
          | TpmaNv.OWNERREAD
          | TpmaNv.AUTHREAD
          | TpmaNv.NO_DA
          | TpmaNv.PLATFORMCREATE;

  /** An EK and its certificate, as provisioned. */
  public record ProvisionedEk(
      EkKind kind, TpmtPublic ekPublic, PublicKey publicKey, X509Certificate certificate) {}

  /** {@code TPM_SU_CLEAR} (Part 2 §6.11). */
  private static final int TPM_SU_CLEAR = 0x0000;

  private final TpmClient tpm;

  private TpmManufacturer(TpmEngine engine) {
    this.tpm = new TpmClient(engine, Locality.ZERO);
  }

  /**
   * Provisions the EKs of {@code kinds} and their certificates issued by {@code issuer} (valid from
   * {@code notBefore}) into {@code engine}; returns them in {@link EkKind} order.
   *
   * @throws ManufactureException if a TPM command is refused (the message names it and its response
   *     code) or a certificate cannot be issued
   */
  public static List<ProvisionedEk> manufacture(
      TpmEngine engine,
      EkCertificateIssuer issuer,
      Set<EkKind> kinds,
      Instant notBefore,
      SecureRandom random)
      throws ManufactureException {
    return new TpmManufacturer(engine).run(issuer, kinds, notBefore, random);
  }

  private List<ProvisionedEk> run(
      EkCertificateIssuer issuer, Set<EkKind> kinds, Instant notBefore, SecureRandom random)
      throws ManufactureException {
    boolean started = startup();
    TpmIdentity identity = identity();
    List<ProvisionedEk> provisioned = new ArrayList<>();
    for (EkKind kind : EnumSet.copyOf(kinds)) {
      TpmtPublic ek = createEk(kind);
      PublicKey key = javaKey(ek);
      X509Certificate certificate = issuer.issue(kind, key, identity, notBefore, random);
      try {
        store(kind.certificateIndex(), certificate.getEncoded());
      } catch (CertificateEncodingException e) {
        throw new ManufactureException("cannot encode the " + kind.cliName() + " certificate", e);
      }
      provisioned.add(new ProvisionedEk(kind, ek, key, certificate));
    }
    if (started) {
      command(() -> tpm.execute(TpmCc.SHUTDOWN, new int[0], false, su(TPM_SU_CLEAR)));
    }
    return provisioned;
  }

  /** TPM2_Startup(CLEAR); false if the TPM was started already. */
  private boolean startup() throws ManufactureException {
    try {
      tpm.startup(TpmClient.SU_CLEAR);
      return true;
    } catch (TpmCommandException e) {
      if (e.rc() == TpmRc.INITIALIZE) {
        return false;
      }
      throw refused(e);
    }
  }

  /** The fixed properties an EK certificate names (TPM2_GetCapability, TPM_CAP_TPM_PROPERTIES). */
  TpmIdentity identity() throws ManufactureException {
    byte[] query =
        new TpmWriter()
            .writeU32(TpmsCapabilityData.CAP_TPM_PROPERTIES)
            .writeU32(TpmProperty.PT_FIXED)
            .writeU32(64)
            .toByteArray();
    TpmReader r =
        new TpmReader(command(() -> tpm.execute(TpmCc.GET_CAPABILITY, new int[0], false, query)));
    Map<Integer, Integer> p = new HashMap<>();
    try {
      r.readU8(); // moreData
      r.readU32(); // capability
      int count = r.readU32();
      for (int i = 0; i < count; i++) {
        p.put(r.readU32(), r.readU32());
      }
    } catch (TpmException e) {
      throw new ManufactureException("TPM2_GetCapability gave a malformed response", e);
    }
    int[] needed = {
      TpmProperty.FAMILY_INDICATOR,
      TpmProperty.LEVEL,
      TpmProperty.REVISION,
      TpmProperty.MANUFACTURER,
      TpmProperty.FIRMWARE_VERSION_1
    };
    for (int property : needed) {
      if (!p.containsKey(property)) {
        throw new ManufactureException(
            "the TPM does not report fixed property 0x" + Integer.toHexString(property));
      }
    }
    return new TpmIdentity(
        p.get(TpmProperty.MANUFACTURER),
        TpmIdentity.ascii(
            p.getOrDefault(TpmProperty.VENDOR_STRING_1, 0),
            p.getOrDefault(TpmProperty.VENDOR_STRING_2, 0),
            p.getOrDefault(TpmProperty.VENDOR_STRING_3, 0),
            p.getOrDefault(TpmProperty.VENDOR_STRING_4, 0)),
        p.get(TpmProperty.FIRMWARE_VERSION_1),
        TpmIdentity.ascii(p.get(TpmProperty.FAMILY_INDICATOR)),
        p.get(TpmProperty.LEVEL),
        p.get(TpmProperty.REVISION));
  }

  /** TPM2_CreatePrimary(TPM_RH_ENDORSEMENT, template), then TPM2_FlushContext; the EK's public. */
  private TpmtPublic createEk(EkKind kind) throws ManufactureException {
    TpmClient.Primary ek =
        command(() -> tpm.createPrimary(TpmHandle.RH_ENDORSEMENT, new byte[0], kind.template()));
    command(
        () -> {
          tpm.flushContext(ek.handle());
          return null;
        });
    return ek.publicArea();
  }

  /** Replaces the index's contents: undefine it if present, define, write, write-lock. */
  private void store(int index, byte[] data) throws ManufactureException {
    if (data.length > TpmLimits.MAX_NV_INDEX_SIZE) {
      throw new ManufactureException(
          "the certificate has "
              + data.length
              + " octets, more than an NV index holds ("
              + TpmLimits.MAX_NV_INDEX_SIZE
              + ")");
    }
    byte[] noAuth = new byte[0];
    NvPublic pub =
        new NvPublic(index, HashAlgorithm.SHA256, CERTIFICATE_ATTRIBUTES, noAuth, data.length);
    command(
        () -> {
          if (tpm.nvReadPublic(index).isPresent()) {
            tpm.nvUndefineSpace(TpmHandle.RH_PLATFORM, noAuth, index);
          }
          tpm.nvDefineSpace(TpmHandle.RH_PLATFORM, noAuth, pub, noAuth);
          tpm.nvWrite(TpmHandle.RH_PLATFORM, noAuth, index, data);
          tpm.send(
              TpmCc.NV_WRITE_LOCK,
              new int[] {TpmHandle.RH_PLATFORM, index},
              List.of(noAuth),
              new byte[0],
              0);
          return null;
        });
  }

  /** A platform command that failed says so as a {@link ManufactureException}. */
  private interface PlatformCommand<T> {
    T run() throws TpmCommandException;
  }

  private static <T> T command(PlatformCommand<T> c) throws ManufactureException {
    try {
      return c.run();
    } catch (TpmCommandException e) {
      throw refused(e);
    }
  }

  private static ManufactureException refused(TpmCommandException e) {
    return new ManufactureException(e.getMessage(), e);
  }

  private static byte[] su(int startupType) {
    return new TpmWriter().writeU16(startupType).toByteArray();
  }

  /** The EK's public key as a JCA key (RSA modulus and exponent, or the ECC point on P-256). */
  static PublicKey javaKey(TpmtPublic ek) throws ManufactureException {
    try {
      return switch (ek.parameters()) {
        case TpmtPublic.RsaParms rsa ->
            KeyFactory.getInstance("RSA")
                .generatePublic(
                    new RSAPublicKeySpec(
                        new BigInteger(1, ek.unique()),
                        BigInteger.valueOf(rsa.exponent() == 0 ? 65537 : rsa.exponent())));
        case TpmtPublic.EccParms ecc when ecc.curveId() == TpmAlgId.ECC_NIST_P256 -> {
          AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
          params.init(new ECGenParameterSpec("secp256r1"));
          yield KeyFactory.getInstance("EC")
              .generatePublic(
                  new ECPublicKeySpec(
                      new ECPoint(new BigInteger(1, ek.unique()), new BigInteger(1, ek.uniqueY())),
                      params.getParameterSpec(ECParameterSpec.class)));
        }
        default -> throw new ManufactureException("the EK is not an RSA or NIST P-256 key");
      };
    } catch (GeneralSecurityException e) {
      throw new ManufactureException("the EK's public area is not a usable key", e);
    }
  }
}
