package io.parasol.tpm.command.attestation;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsClockInfo;
import io.parasol.tpm.marshal.TpmsTimeInfo;

/**
 * {@code TPMS_ATTEST} (TPM 2.0 Library Part 2 §10.12.12): what every attestation command signs. It
 * starts with {@link #TPM_GENERATED_VALUE}, so a restricted signing key (which signs external data
 * only with a hashcheck ticket, and the TPM never gives one for data starting with that value)
 * proves the structure was made by the TPM.
 *
 * @param magic {@link #TPM_GENERATED_VALUE}
 * @param qualifiedSigner the Qualified Name of the signing key ({@code TPM_RH_NULL}'s handle for an
 *     unsigned structure)
 * @param extraData the caller's qualifying data
 * @param clockInfo clock, resetCount, restartCount, safe (the counters obfuscated for keys outside
 *     the endorsement and platform hierarchies, Part 1 §36.7)
 * @param firmwareVersion the firmware version (obfuscated likewise)
 * @param attested the type-specific part ({@code TPMU_ATTEST}); its {@link Attested#type()} is the
 *     structure's {@code TPMI_ST_ATTEST}
 */
public record TpmsAttest(
    int magic,
    byte[] qualifiedSigner,
    byte[] extraData,
    TpmsClockInfo clockInfo,
    long firmwareVersion,
    Attested attested) {

  /** {@code TPM_GENERATED_VALUE} (Part 2 §6.2): 0xFF 'T' 'C' 'G'. */
  public static final int TPM_GENERATED_VALUE = 0xFF544347;

  public TpmsAttest {
    qualifiedSigner = qualifiedSigner.clone();
    extraData = extraData.clone();
  }

  @Override
  public byte[] qualifiedSigner() {
    return qualifiedSigner.clone();
  }

  @Override
  public byte[] extraData() {
    return extraData.clone();
  }

  /** The {@code TPMI_ST_ATTEST} of the structure. */
  public int type() {
    return attested.type();
  }

  /** The marshalled structure: the buffer of the {@code TPM2B_ATTEST} and what is signed. */
  public byte[] marshal() {
    TpmWriter w = new TpmWriter();
    write(w);
    return w.toByteArray();
  }

  public void write(TpmWriter out) {
    out.writeU32(magic).writeU16(attested.type());
    out.write2B(qualifiedSigner).write2B(extraData);
    clockInfo.write(out);
    out.writeU64(firmwareVersion);
    attested.write(out);
  }

  /**
   * Unmarshals a {@code TPMS_ATTEST} (for verifiers and tests); an unknown type is {@code
   * TPM_RC_SELECTOR}, trailing bytes {@code TPM_RC_SIZE}.
   */
  public static TpmsAttest parse(byte[] bytes) throws TpmException {
    TpmReader in = new TpmReader(bytes);
    int magic = in.readU32();
    int type = in.readU16();
    byte[] signer = in.read2B(Tpm2b.NAME);
    byte[] extra = in.read2B(Tpm2b.DATA);
    TpmsClockInfo clock = TpmsClockInfo.read(in);
    long firmware = in.readU64();
    Attested attested =
        switch (type) {
          case TpmSt.ATTEST_CERTIFY ->
              new CertifyInfo(in.read2B(Tpm2b.NAME), in.read2B(Tpm2b.NAME));
          case TpmSt.ATTEST_CREATION ->
              new CreationInfo(in.read2B(Tpm2b.NAME), in.read2B(Tpm2b.DIGEST));
          case TpmSt.ATTEST_QUOTE ->
              new QuoteInfo(TpmlPcrSelection.read(in), in.read2B(Tpm2b.DIGEST));
          case TpmSt.ATTEST_COMMAND_AUDIT ->
              new CommandAuditInfo(
                  in.readU64(), in.readU16(), in.read2B(Tpm2b.DIGEST), in.read2B(Tpm2b.DIGEST));
          case TpmSt.ATTEST_SESSION_AUDIT ->
              new SessionAuditInfo(in.readYesNo(), in.read2B(Tpm2b.DIGEST));
          case TpmSt.ATTEST_TIME -> new TimeAttestInfo(TpmsTimeInfo.read(in), in.readU64());
          case TpmSt.ATTEST_NV ->
              new NvCertifyInfo(
                  in.read2B(Tpm2b.NAME), in.readU16(), in.read2B(Tpm2b.MAX_NV_BUFFER));
          case TpmSt.ATTEST_NV_DIGEST ->
              new NvDigestCertifyInfo(in.read2B(Tpm2b.NAME), in.read2B(Tpm2b.DIGEST));
          default -> throw new TpmException(TpmRc.SELECTOR);
        };
    if (!in.atEnd()) {
      throw new TpmException(TpmRc.SIZE);
    }
    return new TpmsAttest(magic, signer, extra, clock, firmware, attested);
  }

  /** {@code TPMU_ATTEST}: one member per attestation type. */
  public sealed interface Attested
      permits CertifyInfo,
          CreationInfo,
          QuoteInfo,
          CommandAuditInfo,
          SessionAuditInfo,
          TimeAttestInfo,
          NvCertifyInfo,
          NvDigestCertifyInfo {

    /** The {@code TPM_ST_ATTEST_*} selecting this member. */
    int type();

    void write(TpmWriter out);
  }

  /** {@code TPMS_CERTIFY_INFO} (§10.12.3), TPM2_Certify. */
  public record CertifyInfo(byte[] name, byte[] qualifiedName) implements Attested {
    public CertifyInfo {
      name = name.clone();
      qualifiedName = qualifiedName.clone();
    }

    @Override
    public byte[] name() {
      return name.clone();
    }

    @Override
    public byte[] qualifiedName() {
      return qualifiedName.clone();
    }

    @Override
    public int type() {
      return TpmSt.ATTEST_CERTIFY;
    }

    @Override
    public void write(TpmWriter out) {
      out.write2B(name).write2B(qualifiedName);
    }
  }

  /** {@code TPMS_CREATION_INFO} (§10.12.7), TPM2_CertifyCreation. */
  public record CreationInfo(byte[] objectName, byte[] creationHash) implements Attested {
    public CreationInfo {
      objectName = objectName.clone();
      creationHash = creationHash.clone();
    }

    @Override
    public byte[] objectName() {
      return objectName.clone();
    }

    @Override
    public byte[] creationHash() {
      return creationHash.clone();
    }

    @Override
    public int type() {
      return TpmSt.ATTEST_CREATION;
    }

    @Override
    public void write(TpmWriter out) {
      out.write2B(objectName).write2B(creationHash);
    }
  }

  /** {@code TPMS_QUOTE_INFO} (§10.12.4), TPM2_Quote. */
  public record QuoteInfo(TpmlPcrSelection pcrSelect, byte[] pcrDigest) implements Attested {
    public QuoteInfo {
      pcrDigest = pcrDigest.clone();
    }

    @Override
    public byte[] pcrDigest() {
      return pcrDigest.clone();
    }

    @Override
    public int type() {
      return TpmSt.ATTEST_QUOTE;
    }

    @Override
    public void write(TpmWriter out) {
      pcrSelect.write(out);
      out.write2B(pcrDigest);
    }
  }

  /** {@code TPMS_COMMAND_AUDIT_INFO} (§10.12.5), TPM2_GetCommandAuditDigest. */
  public record CommandAuditInfo(
      long auditCounter, int digestAlg, byte[] auditDigest, byte[] commandDigest)
      implements Attested {
    public CommandAuditInfo {
      auditDigest = auditDigest.clone();
      commandDigest = commandDigest.clone();
    }

    @Override
    public byte[] auditDigest() {
      return auditDigest.clone();
    }

    @Override
    public byte[] commandDigest() {
      return commandDigest.clone();
    }

    @Override
    public int type() {
      return TpmSt.ATTEST_COMMAND_AUDIT;
    }

    @Override
    public void write(TpmWriter out) {
      out.writeU64(auditCounter).writeU16(digestAlg).write2B(auditDigest).write2B(commandDigest);
    }
  }

  /** {@code TPMS_SESSION_AUDIT_INFO} (§10.12.6), TPM2_GetSessionAuditDigest. */
  public record SessionAuditInfo(boolean exclusiveSession, byte[] sessionDigest)
      implements Attested {
    public SessionAuditInfo {
      sessionDigest = sessionDigest.clone();
    }

    @Override
    public byte[] sessionDigest() {
      return sessionDigest.clone();
    }

    @Override
    public int type() {
      return TpmSt.ATTEST_SESSION_AUDIT;
    }

    @Override
    public void write(TpmWriter out) {
      out.writeYesNo(exclusiveSession).write2B(sessionDigest);
    }
  }

  /**
   * {@code TPMS_TIME_ATTEST_INFO} (§10.12.2), TPM2_GetTime: the time and firmware version in plain
   * text (the privacy administrator authorised their release).
   */
  public record TimeAttestInfo(TpmsTimeInfo time, long firmwareVersion) implements Attested {
    @Override
    public int type() {
      return TpmSt.ATTEST_TIME;
    }

    @Override
    public void write(TpmWriter out) {
      time.write(out);
      out.writeU64(firmwareVersion);
    }
  }

  /** {@code TPMS_NV_CERTIFY_INFO} (§10.12.8), TPM2_NV_Certify of a range. */
  public record NvCertifyInfo(byte[] indexName, int offset, byte[] nvContents) implements Attested {
    public NvCertifyInfo {
      indexName = indexName.clone();
      nvContents = nvContents.clone();
    }

    @Override
    public byte[] indexName() {
      return indexName.clone();
    }

    @Override
    public byte[] nvContents() {
      return nvContents.clone();
    }

    @Override
    public int type() {
      return TpmSt.ATTEST_NV;
    }

    @Override
    public void write(TpmWriter out) {
      out.write2B(indexName).writeU16(offset).write2B(nvContents);
    }
  }

  /**
   * {@code TPMS_NV_DIGEST_CERTIFY_INFO} (§10.12.9), TPM2_NV_Certify with size and offset zero: a
   * digest of the whole index.
   */
  public record NvDigestCertifyInfo(byte[] indexName, byte[] nvDigest) implements Attested {
    public NvDigestCertifyInfo {
      indexName = indexName.clone();
      nvDigest = nvDigest.clone();
    }

    @Override
    public byte[] indexName() {
      return indexName.clone();
    }

    @Override
    public byte[] nvDigest() {
      return nvDigest.clone();
    }

    @Override
    public int type() {
      return TpmSt.ATTEST_NV_DIGEST;
    }

    @Override
    public void write(TpmWriter out) {
      out.write2B(indexName).write2B(nvDigest);
    }
  }
}
