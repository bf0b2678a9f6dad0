/**
 * The vTPM's front end as the guest sees it: {@link io.parasol.paravisor.tpm.TpmCrb}, the Command
 * Response Buffer interface of the TCG PC Client Platform TPM Profile (PTP) at 0xFED40000. The TPM
 * itself (commands, state, persistence) is the {@code tpm-emulator} module's; the ACPI tables that
 * tell the guest where the CRB is are built in {@code paravisor.acpi}. {@link
 * io.parasol.paravisor.tpm.MeasuredBoot} starts the TPM and measures what the VM boots, leaving the
 * event log the TPM2 table points at. Not here: the FIFO (TIS) interface.
 */
package io.parasol.paravisor.tpm;
