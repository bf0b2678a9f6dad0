package io.parasol.tpm.command.attestation;

import io.parasol.tpm.Entity;
import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.clocks.ReadClock;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.Kdf;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmsClockInfo;
import io.parasol.tpm.object.ObjectSigner;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtScheme;
import io.parasol.tpm.object.TpmtSignature;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The signing half of every attestation command (the reference implementation's {@code
 * Attest_spt.c}: {@code FillInAttestInfo}, {@code SignAttestInfo}, {@code IsSigningObject}): the
 * signing key of the command's {@code signHandle} (or none for {@code TPM_RH_NULL}) with its
 * scheme, the common fields of {@link TpmsAttest}, and the signature over the marshalled structure.
 *
 * <p>Privacy (Part 1 §36.7): for a key outside the endorsement and platform hierarchies (and for
 * {@code TPM_RH_NULL}), {@code resetCount}, {@code restartCount} and {@code firmwareVersion} are
 * offset by {@code KDFa(SHA-256, shProof, "OBFUSCATE", qualifiedSigner, -, 128)}: the same key
 * always shows the same offsets, so changes stay visible, but two keys cannot be linked by the
 * values. The first 64 bits offset the firmware version, the next 32 the reset count and the last
 * 32 the restart count (big-endian).
 *
 * <p>The digest signed is {@code H_scheme(TPMS_ATTEST)}; the qualifying data is inside the
 * structure ({@code extraData}), so it is not hashed again (the reference implementation rehashes
 * it only for anonymous schemes, which this TPM does not implement).
 */
public final class AttestationSigner {
  /**
   * The firmware version reported in attestations: {@code TPM_PT_FIRMWARE_VERSION_1 << 32 |
   * TPM_PT_FIRMWARE_VERSION_2}, which TPM2_GetCapability reports (0x00000001, 0).
   */
  public static final long FIRMWARE_VERSION = 0x0000_0001L << 32;

  /** The KDFa label of the obfuscation values. */
  static final String OBFUSCATE = "OBFUSCATE";

  private final TpmObject key;
  private final TpmtScheme scheme;

  private AttestationSigner(TpmObject key, TpmtScheme scheme) {
    this.key = key;
    this.scheme = scheme;
  }

  /**
   * The signer of handle {@code handleIndex} (0-based) of a command: {@code TPM_RH_NULL} (no
   * signature) or a signing key, whose scheme is chosen from its own and {@code inScheme}.
   *
   * @param schemeParam the number of the {@code inScheme} parameter, for its errors
   * @throws TpmException {@code TPM_RC_KEY + H} if the handle is not a signing key with its private
   *     part, {@code TPM_RC_SCHEME + P} if no usable scheme results
   */
  public static AttestationSigner of(
      CommandContext ctx, int handleIndex, TpmtScheme inScheme, int schemeParam)
      throws TpmException {
    int n = handleIndex + 1;
    if (ctx.handle(handleIndex) == TpmHandle.RH_NULL) {
      return new AttestationSigner(null, TpmtScheme.NULL);
    }
    Entity e = ctx.entity(handleIndex);
    if (!(e instanceof TpmObject key)
        || !key.publicArea().has(TpmaObject.SIGN_ENCRYPT)
        || key.publicArea().type() == TpmAlgId.SYMCIPHER
        || key.isPublicOnly()) {
      throw new TpmException(TpmRc.handle(TpmRc.KEY, n));
    }
    try {
      return new AttestationSigner(key, ObjectSigner.selectScheme(key, inScheme));
    } catch (TpmException ex) {
      throw ex.rc() == TpmRc.KEY ? ex.atHandle(n) : ex.atParameter(schemeParam);
    }
  }

  /** The signing key; empty for {@code TPM_RH_NULL}. */
  public Optional<TpmObject> key() {
    return Optional.ofNullable(key);
  }

  /** The scheme signed with ({@code TPM_ALG_NULL} without a key). */
  public TpmtScheme scheme() {
    return scheme;
  }

  /** The scheme's hash; empty without a key. */
  public Optional<HashAlgorithm> hash() {
    return scheme.hash();
  }

  /** {@code qualifiedSigner}: the key's Qualified Name, or the Name of {@code TPM_RH_NULL}. */
  public byte[] qualifiedSigner() {
    return key == null ? Entity.handleName(TpmHandle.RH_NULL) : key.qualifiedName();
  }

  /**
   * {@code FillInAttestInfo}: the structure with its common fields filled in: magic, signer, the
   * caller's qualifying data, the clock (obfuscated as the class comment says) and {@code
   * attested}.
   */
  public TpmsAttest attest(TpmState state, byte[] extraData, TpmsAttest.Attested attested) {
    byte[] signer = qualifiedSigner();
    TpmsClockInfo clock = ReadClock.timeInfo(state).clockInfo();
    long firmware = FIRMWARE_VERSION;
    if (!revealsCounters()) {
      ByteBuffer offsets =
          ByteBuffer.wrap(
              Kdf.kdfa(
                  HashAlgorithm.SHA256,
                  state.proof(Hierarchy.OWNER),
                  OBFUSCATE,
                  signer,
                  null,
                  128));
      firmware += offsets.getLong();
      clock =
          new TpmsClockInfo(
              clock.clock(),
              clock.resetCount() + offsets.getInt(),
              clock.restartCount() + offsets.getInt(),
              clock.safe());
    }
    return new TpmsAttest(
        TpmsAttest.TPM_GENERATED_VALUE, signer, extraData, clock, firmware, attested);
  }

  /** True if the key is in the endorsement or platform hierarchy (no obfuscation). */
  private boolean revealsCounters() {
    return key != null
        && (key.hierarchy() == TpmHandle.RH_ENDORSEMENT
            || key.hierarchy() == TpmHandle.RH_PLATFORM);
  }

  /**
   * {@code SignAttestInfo}: writes the {@code TPM2B_ATTEST} and its {@code TPMT_SIGNATURE} (the
   * NULL signature without a key).
   *
   * @return the marshalled {@code TPMS_ATTEST}
   */
  public byte[] signAndWrite(TpmState state, TpmsAttest attest, TpmWriter out) throws TpmException {
    byte[] bytes = attest.marshal();
    TpmtSignature signature;
    if (key == null) {
      signature = new TpmtSignature(TpmAlgId.NULL, TpmAlgId.NULL, new byte[0], new byte[0]);
    } else {
      HashAlgorithm h = hash().orElseThrow(() -> new TpmException(TpmRc.SCHEME));
      signature = ObjectSigner.sign(key, scheme, h.digest(bytes), state.random());
    }
    out.write2B(bytes);
    signature.write(out);
    return bytes;
  }
}
