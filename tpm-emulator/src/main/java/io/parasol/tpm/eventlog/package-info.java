/**
 * TCG event logs: what a measuring boot component recorded next to each PCR extension (TCG PC
 * Client Platform Firmware Profile, §10), read, written and replayed.
 *
 * <p>{@link io.parasol.tpm.eventlog.TcgEventLog} is both formats: the crypto-agile log (a SHA-1
 * format {@code Spec ID Event03} header listing the banks, then {@code TCG_PCR_EVENT2} records) and
 * the legacy SHA-1 log of TPM 1.2 firmware. {@link io.parasol.tpm.eventlog.PcrReplay} recomputes
 * the PCRs a log claims, with the {@code StartupLocality} rule.
 */
package io.parasol.tpm.eventlog;
