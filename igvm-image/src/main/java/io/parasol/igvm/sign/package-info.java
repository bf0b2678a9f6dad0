/**
 * SEV-SNP ID blocks: signing a file's SNP platform with an ECDSA P-384 ID key (and optionally an
 * author key) and verifying a signed block as the PSP would. Not here: the launch digest itself
 * ({@code io.parasol.igvm.measure}).
 */
package io.parasol.igvm.sign;
