/**
 * NV indices (TPM 2.0 Library Part 1 §37, Part 2 §13): the public area {@link NvPublic} ({@code
 * TPMS_NV_PUBLIC}) with its attributes {@link TpmaNv} ({@code TPMA_NV}, Part 2 §13.4), the index
 * itself {@link NvIndex} (an {@link io.parasol.tpm.Entity} kept in {@code TpmState.nvIndices()}),
 * its persistent form {@link NvIndexCodec}, and the access rules the NV and policy commands share
 * ({@link NvAccess}).
 *
 * <p>This package holds the model only; the commands are in {@code io.parasol.tpm.command.nv} (Part
 * 3 §31) and {@code io.parasol.tpm.command.ea} (TPM2_PolicyNV, Part 3 §23.9). It does not hold
 * persistent objects (those belong to the object chapter).
 */
package io.parasol.tpm.nv;
