package io.parasol.tpm;

/**
 * The authValue and authPolicy of a permanent entity: {@code TPM_RH_OWNER}, {@code _ENDORSEMENT},
 * {@code _PLATFORM} or {@code _LOCKOUT} (TPM 2.0 Library Part 1 §14.3, set by
 * TPM2_HierarchyChangeAuth and TPM2_SetPrimaryPolicy).
 */
public final class PermanentAuth {
  private byte[] authValue = new byte[0];
  private int policyAlg = TpmAlgId.NULL;
  private byte[] policy = new byte[0];

  /** The authValue, trailing zeros removed. */
  public byte[] authValue() {
    return authValue.clone();
  }

  /** Sets the authValue (trailing zeros are removed, Part 3 §24.8). */
  public void setAuthValue(byte[] value) {
    authValue = Entity.trimTrailingZeros(value);
  }

  public int policyAlg() {
    return policyAlg;
  }

  public byte[] policy() {
    return policy.clone();
  }

  /** Sets the policy; {@code TPM_ALG_NULL} with an empty digest removes it. */
  public void setPolicy(int alg, byte[] digest) {
    policyAlg = alg;
    policy = digest.clone();
  }

  /** Empty authValue and no policy (TPM2_Clear, TPM Reset for the platform). */
  public void clear() {
    authValue = new byte[0];
    policyAlg = TpmAlgId.NULL;
    policy = new byte[0];
  }
}
