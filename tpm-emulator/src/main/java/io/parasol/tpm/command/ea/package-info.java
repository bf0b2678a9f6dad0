/**
 * TPM 2.0 Library Part 3 §23 "Enhanced Authorization (EA) Commands": the TPM2_Policy* commands that
 * build a policy session's digest and its conditions ({@link io.parasol.tpm.session.AuthSession}'s
 * policy fields), which {@code CommandAuthorization} checks when the session authorises a command.
 * Trial sessions compute the same digests without checking anything.
 *
 * <p>Also here: the policy tickets ({@link PolicyTickets}: {@code TPMT_TK_AUTH} from
 * TPM2_PolicySecret/PolicySigned, and the {@code TPMT_TK_VERIFIED} check of TPM2_PolicyAuthorize).
 * TPM2_PolicySigned checks its signature with the object chapter's {@code ObjectSigner.verify}.
 */
package io.parasol.tpm.command.ea;
