package io.parasol.tpm;

/**
 * Anything a handle can name and a session can authorise (TPM 2.0 Library Part 1 §15 "Handles", §16
 * "Names", §19 "Authorizations"): a hierarchy, a PCR, an NV index, a loaded or persistent object, a
 * hash sequence.
 *
 * <p>The dispatcher resolves each handle of a command to an entity ({@link TpmState#entity}) and
 * authorises it through this interface alone, so the object and NV chapters add their entity types
 * without touching the session code.
 */
public interface Entity {

  /** The handle the entity was found by. */
  int handle();

  /**
   * The entity's Name (Part 1 §16): the handle itself for PCRs, sessions and permanent handles;
   * {@code nameAlg || H(public area)} for objects and NV indices.
   */
  byte[] name();

  /**
   * The authValue, without trailing zero octets (Part 1 §19.6.4: they are removed before the value
   * is compared or used as an HMAC key). Empty if the entity has none.
   */
  byte[] authValue();

  /** The authPolicy digest; empty if the entity has no policy. */
  byte[] authPolicy();

  /** The {@code TPM_ALG_ID} of {@link #authPolicy()}, {@code TPM_ALG_NULL} if none. */
  int authPolicyAlg();

  /**
   * True if failed authorisations of this entity count toward dictionary-attack lockout (Part 1
   * §19.8). Permanent handles are exempt; {@code TPM_RH_LOCKOUT} has its own rule.
   */
  boolean isDaProtected();

  /**
   * The hierarchy the entity belongs to ({@code TPM_RH_PLATFORM}, {@code _OWNER}, {@code
   * _ENDORSEMENT} or {@code _NULL}): it becomes unusable while that hierarchy is disabled, and is
   * flushed (or evicted) when the hierarchy's seed changes.
   */
  int hierarchy();

  /**
   * True if the entity may be authorised with its authValue (password or HMAC) in {@code role} for
   * command {@code commandCode} ({@code IsAuthValueAvailable} of the reference implementation).
   * Objects answer from {@code userWithAuth}/{@code adminWithPolicy}; NV indices from their {@code
   * AUTHREAD}/{@code AUTHWRITE} attributes.
   */
  default boolean authValueAllowed(AuthRole role, int commandCode) {
    return role == AuthRole.USER || role == AuthRole.ADMIN;
  }

  /**
   * True if the entity may be authorised with a policy session in {@code role} ({@code
   * IsAuthPolicyAvailable}): by default, if it has a policy.
   */
  default boolean policyAllowed(AuthRole role, int commandCode) {
    return authPolicy().length > 0;
  }

  /**
   * Told after an authorisation of this entity that used its authValue (password, HMAC without
   * binding, or a policy with TPM2_PolicyAuthValue/PolicyPassword) was checked. PIN indices count
   * uses and failures here (Part 1 §37.2.3.4, {@code CheckAuthSession}).
   *
   * @return true if persistent state changed, so the state file must be written even if the command
   *     then fails
   */
  default boolean authValueChecked(boolean succeeded) {
    return false;
  }

  /**
   * TPM Reset or TPM Restart (TPM2_Startup(CLEAR)) for a persistent entity: NV indices drop their
   * state-clear locks and, with {@code TPMA_NV_CLEAR_STCLEAR}, their written state.
   */
  default void onStartupClear() {}

  /**
   * An entity whose Name is its handle and that has no authPolicy (Part 1 §16): PCRs, sessions,
   * {@code TPM_RH_NULL} and sequence objects.
   */
  interface HandleNamed extends Entity {
    @Override
    default byte[] name() {
      return handleName(handle());
    }

    @Override
    default byte[] authPolicy() {
      return new byte[0];
    }

    @Override
    default int authPolicyAlg() {
      return TpmAlgId.NULL;
    }
  }

  /** {@code value} without trailing zero octets (Part 1 §19.6.4). */
  static byte[] trimTrailingZeros(byte[] value) {
    int n = value.length;
    while (n > 0 && value[n - 1] == 0) {
      n--;
    }
    return n == value.length ? value.clone() : java.util.Arrays.copyOf(value, n);
  }

  /** The four-octet big-endian encoding of a handle: the Name of handle-named entities. */
  static byte[] handleName(int handle) {
    return new byte[] {
      (byte) (handle >>> 24), (byte) (handle >>> 16), (byte) (handle >>> 8), (byte) handle
    };
  }
}
