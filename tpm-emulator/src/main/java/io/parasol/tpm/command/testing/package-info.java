/**
 * TPM 2.0 Library Part 3 §10 "Testing": TPM2_SelfTest, TPM2_IncrementalSelfTest and
 * TPM2_GetTestResult. The algorithms come from the JDK and Bouncy Castle, which test themselves
 * when loaded; this TPM therefore has no untested algorithms and never enters failure mode through
 * self-test.
 */
package io.parasol.tpm.command.testing;
