/**
 * TPM 2.0 Library Part 3 §12 "Object Commands": TPM2_Create, TPM2_Load, TPM2_LoadExternal,
 * TPM2_ReadPublic, TPM2_ActivateCredential, TPM2_MakeCredential, TPM2_Unseal, TPM2_ObjectChangeAuth
 * and TPM2_CreateLoaded. The object model they share is {@link io.parasol.tpm.object};
 * TPM2_CreatePrimary is in the hierarchy chapter (§24.1).
 */
package io.parasol.tpm.command.object;
