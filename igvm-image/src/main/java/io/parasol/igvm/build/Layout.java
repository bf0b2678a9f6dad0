package io.parasol.igvm.build;

/**
 * Where the builder puts what it makes, below 1 MiB (fixed, so builds are reproducible):
 *
 * <pre>
 *   0x1000          GDT (0x08 code32, 0x10 data, 0x18 code64)
 *   0x2000-0x7FFF   page tables: PML4, PDPT, four PDs identity-mapping 4 GiB with 2 MiB pages
 *   0x8000-0x9FFF   the IGVM parameter area: VP count @0, command line @0x100, memory map @0x1000
 *   0xA000          the SEV-SNP secrets page (SNP platforms; a recipe may move it)
 *   0xB000          the SEV-SNP CPUID page (SNP platforms; a recipe may move it)
 *   0x10000         Linux boot_params (zero page)
 *   0x20000         Linux command line
 *   0x9F000         initial stack top (raw payloads)
 *   0xFFFFFFFFF000  the SEV-SNP VMSA (where KVM measures it)
 * </pre>
 */
public final class Layout {
  public static final long GDT_GPA = 0x1000;
  public static final long PML4_GPA = 0x2000;
  public static final long PDPT_GPA = 0x3000;
  public static final long PD_GPA = 0x4000;
  public static final long PARAMETER_AREA_GPA = 0x8000;
  public static final int PARAMETER_AREA_BYTES = 0x2000;
  public static final int VP_COUNT_OFFSET = 0;
  public static final int COMMAND_LINE_OFFSET = 0x100;
  public static final int MEMORY_MAP_OFFSET = 0x1000;
  public static final long SNP_SECRETS_GPA = 0xA000;
  public static final long SNP_CPUID_GPA = 0xB000;
  public static final long BOOT_PARAMS_GPA = 0x10000;
  public static final long CMDLINE_GPA = 0x20000;
  public static final long STACK_TOP = 0x9F000;
  public static final long SNP_VMSA_GPA = 0xFFFF_FFFF_F000L;

  /** Payloads may not overlap the builder's own pages below this address. */
  public static final long RESERVED_END = 0x30000;

  private Layout() {}
}
