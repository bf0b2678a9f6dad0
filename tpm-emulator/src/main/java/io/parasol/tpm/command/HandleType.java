package io.parasol.tpm.command;

import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmLimits;
import java.util.function.IntPredicate;

/**
 * The handle types a command's handle area may hold: the {@code TPMI_DH_*}, {@code TPMI_RH_*} and
 * {@code TPMI_SH_*} interface types of TPM 2.0 Library Part 2 §9. The dispatcher rejects a handle
 * outside its type with {@code TPM_RC_VALUE} and the handle's number, as the reference
 * implementation's unmarshalling code does; whether the entity exists is checked afterwards.
 */
public enum HandleType {
  /** {@code TPMI_DH_OBJECT}: a transient or persistent object. */
  DH_OBJECT(HandleType::isObject),
  /** {@code TPMI_DH_OBJECT+}: an object or {@code TPM_RH_NULL}. */
  DH_OBJECT_OR_NULL(h -> isObject(h) || h == TpmHandle.RH_NULL),
  /** {@code TPMI_DH_PARENT+}: an object or a hierarchy. */
  DH_PARENT(
      h ->
          isObject(h)
              || oneOf(
                  h,
                  TpmHandle.RH_OWNER,
                  TpmHandle.RH_ENDORSEMENT,
                  TpmHandle.RH_PLATFORM,
                  TpmHandle.RH_NULL)),
  /** {@code TPMI_DH_CONTEXT}: an HMAC or policy session, or a transient object. */
  DH_CONTEXT(h -> TpmHandle.isSession(h) || TpmHandle.isTransient(h)),
  /** {@code TPMI_DH_PERSISTENT}. */
  DH_PERSISTENT(TpmHandle::isPersistent),
  /** {@code TPMI_DH_ENTITY+}: anything with an authorisation value. */
  DH_ENTITY(
      h ->
          isObject(h)
              || TpmHandle.isNvIndex(h)
              || isPcr(h)
              || (h >= TpmHandle.RH_AUTH_00 && h <= TpmHandle.RH_AUTH_FF)
              || oneOf(
                  h,
                  TpmHandle.RH_OWNER,
                  TpmHandle.RH_ENDORSEMENT,
                  TpmHandle.RH_PLATFORM,
                  TpmHandle.RH_LOCKOUT,
                  TpmHandle.RH_NULL)),
  /** {@code TPMI_DH_PCR}: a PCR. */
  DH_PCR(HandleType::isPcr),
  /** {@code TPMI_DH_PCR+}: a PCR or {@code TPM_RH_NULL}. */
  DH_PCR_OR_NULL(h -> isPcr(h) || h == TpmHandle.RH_NULL),
  /** {@code TPMI_SH_HMAC}. */
  SH_HMAC(h -> TpmHandle.type(h) == TpmHandle.HT_HMAC_SESSION),
  /** {@code TPMI_SH_POLICY}. */
  SH_POLICY(h -> TpmHandle.type(h) == TpmHandle.HT_POLICY_SESSION),
  /** {@code TPMI_RH_HIERARCHY}: owner, endorsement or platform. */
  RH_HIERARCHY(h -> oneOf(h, TpmHandle.RH_OWNER, TpmHandle.RH_ENDORSEMENT, TpmHandle.RH_PLATFORM)),
  /** {@code TPMI_RH_HIERARCHY+}. */
  RH_HIERARCHY_OR_NULL(
      h ->
          oneOf(
              h,
              TpmHandle.RH_OWNER,
              TpmHandle.RH_ENDORSEMENT,
              TpmHandle.RH_PLATFORM,
              TpmHandle.RH_NULL)),
  /** {@code TPMI_RH_ENABLES}: a hierarchy or {@code TPM_RH_PLATFORM_NV}. */
  RH_ENABLES(
      h ->
          oneOf(
              h,
              TpmHandle.RH_OWNER,
              TpmHandle.RH_ENDORSEMENT,
              TpmHandle.RH_PLATFORM,
              TpmHandle.RH_PLATFORM_NV)),
  /** {@code TPMI_RH_HIERARCHY_AUTH}: the hierarchies and lockout. */
  RH_HIERARCHY_AUTH(
      h ->
          oneOf(
              h,
              TpmHandle.RH_OWNER,
              TpmHandle.RH_ENDORSEMENT,
              TpmHandle.RH_PLATFORM,
              TpmHandle.RH_LOCKOUT)),
  /** {@code TPMI_RH_HIERARCHY_POLICY}: the hierarchies and lockout. */
  RH_HIERARCHY_POLICY(
      h ->
          oneOf(
              h,
              TpmHandle.RH_OWNER,
              TpmHandle.RH_ENDORSEMENT,
              TpmHandle.RH_PLATFORM,
              TpmHandle.RH_LOCKOUT)),
  /** {@code TPMI_RH_PLATFORM}. */
  RH_PLATFORM(h -> h == TpmHandle.RH_PLATFORM),
  /** {@code TPMI_RH_OWNER}. */
  RH_OWNER(h -> h == TpmHandle.RH_OWNER),
  /** {@code TPMI_RH_ENDORSEMENT}. */
  RH_ENDORSEMENT(h -> h == TpmHandle.RH_ENDORSEMENT),
  /** {@code TPMI_RH_PROVISION}: owner or platform. */
  RH_PROVISION(h -> oneOf(h, TpmHandle.RH_OWNER, TpmHandle.RH_PLATFORM)),
  /** {@code TPMI_RH_CLEAR}: lockout or platform. */
  RH_CLEAR(h -> oneOf(h, TpmHandle.RH_LOCKOUT, TpmHandle.RH_PLATFORM)),
  /** {@code TPMI_RH_NV_AUTH}: platform, owner or an NV index. */
  RH_NV_AUTH(h -> oneOf(h, TpmHandle.RH_PLATFORM, TpmHandle.RH_OWNER) || TpmHandle.isNvIndex(h)),
  /** {@code TPMI_RH_LOCKOUT}. */
  RH_LOCKOUT(h -> h == TpmHandle.RH_LOCKOUT),
  /** {@code TPMI_RH_NV_INDEX}. */
  RH_NV_INDEX(TpmHandle::isNvIndex);

  private final IntPredicate accepts;

  HandleType(IntPredicate accepts) {
    this.accepts = accepts;
  }

  /** True if {@code handle} is of this type. */
  public boolean accepts(int handle) {
    return accepts.test(handle);
  }

  /**
   * Reads a handle of this type that is a command parameter rather than in the handle area ({@code
   * TPM_RC_VALUE} if it is not of this type).
   */
  public int read(io.parasol.tpm.marshal.TpmReader in) throws io.parasol.tpm.TpmException {
    int handle = in.readU32();
    if (!accepts(handle)) {
      throw new io.parasol.tpm.TpmException(io.parasol.tpm.TpmRc.VALUE);
    }
    return handle;
  }

  private static boolean isObject(int h) {
    return TpmHandle.isTransient(h) || TpmHandle.isPersistent(h);
  }

  private static boolean isPcr(int h) {
    return h >= 0 && h < TpmLimits.IMPLEMENTATION_PCR;
  }

  private static boolean oneOf(int h, int... handles) {
    for (int x : handles) {
      if (h == x) {
        return true;
      }
    }
    return false;
  }
}
