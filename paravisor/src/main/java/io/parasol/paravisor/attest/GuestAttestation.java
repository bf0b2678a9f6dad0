package io.parasol.paravisor.attest;

import com.google.protobuf.ByteString;
import io.parasol.isolation.attestation.HardwareReport;
import io.parasol.isolation.attestation.HardwareReportException;
import io.parasol.isolation.attestation.HardwareReportSource;
import io.parasol.isolation.attestation.RuntimeClaims;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.isolation.attestation.proto.NoHardwareEvidence;
import io.parasol.isolation.attestation.proto.SnpEvidence;
import io.parasol.isolation.attestation.proto.TdxEvidence;
import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.client.TpmClient;
import io.parasol.tpm.client.TpmCommandException;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.nv.NvPublic;
import io.parasol.tpm.nv.TpmaNv;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vTPM as the guest's way to evidence, placed between the guest's TPM interface and the engine.
 * Every boot, {@link #provision} (Parasol acting as firmware, before the guest runs):
 *
 * <ul>
 *   <li>gives the platform hierarchy a random authorisation value only Parasol knows, so the guest
 *       cannot take over the platform's indices (TPM2_Startup(CLEAR) empties it each boot);
 *   <li>defines NV index {@value #USER_DATA_INDEX_HEX} (64 bytes, written and read by the guest
 *       with the index's empty authorisation) and {@value #REPORT_INDEX_HEX} ({@value
 *       #REPORT_INDEX_SIZE} bytes, read by the guest, written only by the platform).
 * </ul>
 *
 * <p>When a guest's TPM2_NV_Write to {@value #USER_DATA_INDEX_HEX} succeeds, the evidence is made
 * before the guest's next command runs. The first time in a boot, Parasol derives the vTPM's EK
 * (the TCG template L-2, ECC NIST P-256) and its AK (ECC NIST P-256, restricted ECDSA-SHA256
 * signing key, {@link #AK_TEMPLATE}) from the endorsement seed, so the keys the claims name are the
 * TPM's own and the host cannot substitute others. The evidence holds the {@link RuntimeClaims}
 * (EK, AK, isolation, console, TPM persistence, the 64 bytes), a hardware report binding their
 * hash, and the AK's public area, as an {@code Evidence} Protobuf message, stored in {@value
 * #REPORT_INDEX_HEX} as
 *
 * <pre>
 * 0  "PEV1"           magic
 * 4  length           u32, big-endian: the Evidence message's size
 * 8  Evidence         Protobuf (isolation-backends evidence.proto); zero padding to the index's end
 * </pre>
 *
 * A relying party adds a TPM2_Quote by that AK over its nonce (the guest recreates the AK with
 * TPM2_CreatePrimary in the endorsement hierarchy from {@link #AK_TEMPLATE}), the PCRs and the
 * event log, and hands the whole to the verifier.
 */
public final class GuestAttestation implements TpmEngine {
  private static final Logger LOG = LoggerFactory.getLogger(GuestAttestation.class);

  /** Where the guest reads its evidence. */
  public static final int REPORT_INDEX = 0x0140_0001;

  /** Where the guest writes its 64 bytes. */
  public static final int USER_DATA_INDEX = 0x0140_0002;

  static final String REPORT_INDEX_HEX = "0x01400001";
  static final String USER_DATA_INDEX_HEX = "0x01400002";

  /** The report index's size: the largest NV index this TPM allows. */
  public static final int REPORT_INDEX_SIZE = TpmLimits.MAX_NV_INDEX_SIZE;

  /** The magic of the report index's content. */
  public static final byte[] MAGIC = "PEV1".getBytes(StandardCharsets.US_ASCII);

  /**
   * The AK: an ECC NIST P-256 restricted signing key with ECDSA-SHA256, SHA-256 name, userWithAuth
   * and an empty authorisation; tpm2-tools makes the same with {@code tpm2_createprimary -C e -G
   * ecc256:ecdsa-sha256:null -a
   * 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign'}.
   */
  public static final TpmtPublic AK_TEMPLATE =
      PublicTemplates.eccKey(
          TpmAlgId.ECC_NIST_P256,
          TpmaObject.FIXED_TPM
              | TpmaObject.FIXED_PARENT
              | TpmaObject.SENSITIVE_DATA_ORIGIN
              | TpmaObject.USER_WITH_AUTH
              | TpmaObject.RESTRICTED
              | TpmaObject.SIGN_ENCRYPT,
          TpmtScheme.of(TpmAlgId.ECDSA, TpmAlgId.SHA256));

  private static final int USER_DATA_ATTRIBUTES =
      TpmaNv.AUTHWRITE
          | TpmaNv.AUTHREAD
          | TpmaNv.OWNERREAD
          | TpmaNv.PPREAD
          | TpmaNv.PPWRITE
          | TpmaNv.NO_DA
          | TpmaNv.PLATFORMCREATE;
  private static final int REPORT_ATTRIBUTES =
      TpmaNv.PPWRITE
          | TpmaNv.AUTHREAD
          | TpmaNv.OWNERREAD
          | TpmaNv.PPREAD
          | TpmaNv.NO_DA
          | TpmaNv.PLATFORMCREATE;

  /** What the claims say about the VM. */
  public record VmFacts(String isolation, boolean console, boolean sealedTpmState) {
    public VmFacts {
      Objects.requireNonNull(isolation, "isolation");
    }
  }

  private final TpmEngine engine;
  private final HardwareReportSource hardware;
  private final VmFacts facts;
  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();
  private volatile byte[] platformAuth;
  private volatile Keys keys;

  /** The EK and AK as {@link #provision} derived them. */
  private record Keys(TpmtPublic ek, TpmtPublic ak) {}

  public GuestAttestation(
      TpmEngine engine, HardwareReportSource hardware, VmFacts facts, InstantSource clock) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.hardware = Objects.requireNonNull(hardware, "hardware");
    this.facts = Objects.requireNonNull(facts, "facts");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Prepares this boot, on a TPM that has just been started (see the class comment).
   *
   * @throws TpmCommandException when the TPM refuses; the guest then has no evidence service
   */
  public void provision() throws TpmCommandException {
    TpmClient tpm = new TpmClient(engine, Locality.ZERO);
    byte[] auth = new byte[32];
    random.nextBytes(auth);
    tpm.hierarchyChangeAuth(TpmHandle.RH_PLATFORM, new byte[0], auth);
    platformAuth = auth;
    keys = null;
    ensureIndex(
        tpm,
        new NvPublic(USER_DATA_INDEX, HashAlgorithm.SHA256, USER_DATA_ATTRIBUTES, new byte[0], 64));
    ensureIndex(
        tpm,
        new NvPublic(
            REPORT_INDEX, HashAlgorithm.SHA256, REPORT_ATTRIBUTES, new byte[0], REPORT_INDEX_SIZE));
  }

  private static TpmtPublic derive(TpmClient tpm, TpmtPublic template) throws TpmCommandException {
    TpmClient.Primary key = tpm.createPrimary(TpmHandle.RH_ENDORSEMENT, new byte[0], template);
    tpm.flushContext(key.handle());
    return key.publicArea();
  }

  private void ensureIndex(TpmClient tpm, NvPublic wanted) throws TpmCommandException {
    var existing = tpm.nvReadPublic(wanted.nvIndex());
    if (existing.isPresent()) {
      NvPublic e = existing.get();
      int written = TpmaNv.WRITTEN;
      if ((e.attributes() & ~written) == wanted.attributes() && e.dataSize() == wanted.dataSize()) {
        return;
      }
      tpm.nvUndefineSpace(TpmHandle.RH_PLATFORM, platformAuth, wanted.nvIndex());
    }
    tpm.nvDefineSpace(TpmHandle.RH_PLATFORM, platformAuth, wanted, new byte[0]);
  }

  @Override
  public byte[] execute(Locality locality, byte[] command) {
    byte[] response = engine.execute(locality, command);
    if (writesUserData(command) && succeeded(response)) {
      try {
        refresh();
      } catch (TpmCommandException | HardwareReportException | RuntimeException e) {
        // The guest's write stands; the report index keeps its previous content.
        LOG.warn("could not make the guest's evidence: {}", e.getMessage());
      }
    }
    return response;
  }

  /** A TPM2_NV_Write whose index handle is the user-data index. */
  private static boolean writesUserData(byte[] command) {
    if (command.length < 18) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(command);
    return b.getInt(6) == TpmCc.NV_WRITE && b.getInt(14) == USER_DATA_INDEX;
  }

  private static boolean succeeded(byte[] response) {
    return response.length >= 10 && ByteBuffer.wrap(response).getInt(6) == 0;
  }

  /** Makes evidence for the user data the guest wrote and stores it in the report index. */
  void refresh() throws TpmCommandException, HardwareReportException {
    byte[] auth = platformAuth;
    if (auth == null) {
      throw new IllegalStateException("guest attestation was not provisioned this boot");
    }
    TpmClient tpm = new TpmClient(engine, Locality.ZERO);
    Keys k = keys;
    if (k == null) {
      // Derived once per boot, when the guest first asks (key generation is not free on a slow
      // CPU). This fails if the guest gave the endorsement hierarchy a password.
      k = new Keys(derive(tpm, PublicTemplates.ekEccP256()), derive(tpm, AK_TEMPLATE));
      keys = k;
    }
    byte[] userData = tpm.nvRead(TpmHandle.RH_PLATFORM, auth, USER_DATA_INDEX, 64);
    byte[] message = evidence(k, userData).toByteArray();
    if (message.length > REPORT_INDEX_SIZE - 8) {
      throw new IllegalStateException(
          "the evidence is "
              + message.length
              + " bytes; the report index holds "
              + (REPORT_INDEX_SIZE - 8));
    }
    byte[] content = new byte[REPORT_INDEX_SIZE];
    ByteBuffer.wrap(content).put(MAGIC).putInt(message.length).put(message);
    tpm.nvWrite(TpmHandle.RH_PLATFORM, auth, REPORT_INDEX, content);
    LOG.info("made evidence for the guest ({} bytes, {})", message.length, facts.isolation());
  }

  private Evidence evidence(Keys k, byte[] userData) throws HardwareReportException {
    RuntimeClaims claims =
        new RuntimeClaims(
            jwk(k.ak(), "ak"),
            jwk(k.ek(), "ek"),
            facts.isolation(),
            facts.console(),
            facts.sealedTpmState() ? "sealed" : "ephemeral",
            userData);
    byte[] json = claims.toCanonicalJson();
    Evidence.Builder e =
        Evidence.newBuilder()
            .setFormatVersion(1)
            .setRuntimeClaims(ByteString.copyFrom(json))
            .setAkTpmtPublic(ByteString.copyFrom(k.ak().marshal()))
            .setProducedAtSeconds(clock.instant().getEpochSecond());
    HardwareReport report = hardware.request(RuntimeClaims.reportDataFor(json));
    switch (report) {
      case HardwareReport.None none ->
          e.setNone(NoHardwareEvidence.newBuilder().setReason(none.reason()));
      case HardwareReport.Snp snp ->
          // The host's certificates rarely fit the index; a verifier fetches them from AMD.
          e.setSnp(SnpEvidence.newBuilder().setReport(ByteString.copyFrom(snp.report())));
      case HardwareReport.TdxQuote quote ->
          e.setTdx(TdxEvidence.newBuilder().setQuote(ByteString.copyFrom(quote.quote())));
      case HardwareReport.TdxReport tdReport ->
          throw new HardwareReportException(
              "a TDREPORT is not evidence until a quoting enclave signs it; use configfs-tsm");
    }
    return e.build();
  }

  /** An ECC public area as a JWK (RFC 7518 §6.2), with {@code kid}. */
  static Map<String, String> jwk(TpmtPublic key, String kid) {
    if (!(key.parameters() instanceof TpmtPublic.EccParms ecc)) {
      throw new IllegalArgumentException("the " + kid + " is not an ECC key");
    }
    String crv =
        switch (ecc.curveId()) {
          case TpmAlgId.ECC_NIST_P256 -> "P-256";
          case TpmAlgId.ECC_NIST_P384 -> "P-384";
          default ->
              throw new IllegalArgumentException("the " + kid + "'s curve is not P-256 or P-384");
        };
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    Map<String, String> jwk = new LinkedHashMap<>();
    jwk.put("kty", "EC");
    jwk.put("crv", crv);
    jwk.put("kid", kid);
    jwk.put("x", b64.encodeToString(key.unique()));
    jwk.put("y", b64.encodeToString(key.uniqueY()));
    return jwk;
  }

  /** The Evidence in a report index's content, or an exception naming what is wrong. */
  public static Evidence parseReportIndex(byte[] content)
      throws com.google.protobuf.InvalidProtocolBufferException {
    if (content.length < 8 || !Arrays.equals(content, 0, 4, MAGIC, 0, 4)) {
      throw new com.google.protobuf.InvalidProtocolBufferException(
          "the report index does not start with PEV1");
    }
    int length = ByteBuffer.wrap(content).getInt(4);
    if (length < 0 || length > content.length - 8) {
      throw new com.google.protobuf.InvalidProtocolBufferException(
          "the report index's length " + length + " runs past its end");
    }
    return Evidence.parseFrom(ByteBuffer.wrap(content, 8, length));
  }
}
