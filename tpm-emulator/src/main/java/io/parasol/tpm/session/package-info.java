/**
 * Authorisation sessions (TPM 2.0 Library Part 1 §19–§21): the session table, HMAC/policy/trial
 * sessions with their keys and policy state, and {@link
 * io.parasol.tpm.session.CommandAuthorization}, which checks a command's authorisation area
 * (password, HMAC over cpHash, policy), counts dictionary-attack failures, decrypts and encrypts
 * parameters, and builds the response's authorisation area.
 *
 * <p>Not here: the commands that create and modify sessions ({@code .command.sessions}, the policy
 * chapter).
 */
package io.parasol.tpm.session;
