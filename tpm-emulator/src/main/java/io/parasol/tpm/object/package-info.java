/**
 * TPM objects (TPM 2.0 Library Part 1 §27 "Object Structure Elements", Part 2 §12 "Key/Object
 * Complex"): the public area {@link io.parasol.tpm.object.TpmtPublic} with its parameters and
 * schemes, the sensitive area {@link io.parasol.tpm.object.TpmtSensitive}, Names and Qualified
 * Names, the checks of a template ({@link io.parasol.tpm.object.ObjectTemplateCheck}), key
 * generation ({@link io.parasol.tpm.object.ObjectGenerator}, deterministic for primary objects),
 * the wrapped private area ({@link io.parasol.tpm.object.ObjectPrivate}) and the loaded object
 * itself ({@link io.parasol.tpm.object.TpmObject}, an {@link io.parasol.tpm.Entity}) with its
 * {@link io.parasol.tpm.EntityCodec} for persistent objects.
 *
 * <p>Not here: the commands that use objects (Part 3 chapters 12–15, 18, 28 in {@code
 * io.parasol.tpm.command.*}) and the cryptographic primitives ({@code io.parasol.tpm.crypto}).
 */
package io.parasol.tpm.object;
