/**
 * TPM 2.0 Library Part 3 §28 "Context Management": TPM2_FlushContext. TPM2_ContextSave,
 * TPM2_ContextLoad and TPM2_EvictControl belong to the context/object chapter's author.
 */
package io.parasol.tpm.command.context;
