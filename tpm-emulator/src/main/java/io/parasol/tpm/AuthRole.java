package io.parasol.tpm;

/**
 * The authorisation role a command requires for one of its handles (TPM 2.0 Library Part 1 §19.2,
 * Part 3 "Auth Role" in each command's handle table).
 */
public enum AuthRole {
  /** The handle needs no authorisation. */
  NONE,
  /** USER: the entity's authValue (if the entity allows it) or its policy. */
  USER,
  /** ADMIN: for objects with {@code adminWithPolicy} SET only a policy session will do. */
  ADMIN,
  /** DUP: only a policy session, and only for duplication. */
  DUP
}
