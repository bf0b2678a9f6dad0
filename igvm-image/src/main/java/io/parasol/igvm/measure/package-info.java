/**
 * Launch measurements of IGVM files, as the platforms compute them while loading: the SEV-SNP
 * launch digest (PAGE_INFO chain), the TDX MRTD (MEM.PAGE.ADD / MR.EXTEND) and the VBS boot digest.
 * Not here: parsing ({@code io.parasol.igvm.format}) and signing ({@code io.parasol.igvm.sign}).
 */
package io.parasol.igvm.measure;
