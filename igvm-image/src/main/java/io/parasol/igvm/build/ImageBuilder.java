package io.parasol.igvm.build;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.Parameter;
import io.parasol.igvm.format.DirectiveHeader.ParameterArea;
import io.parasol.igvm.format.DirectiveHeader.ParameterInsert;
import io.parasol.igvm.format.DirectiveHeader.RequiredMemory;
import io.parasol.igvm.format.DirectiveHeader.VpContext;
import io.parasol.igvm.format.FormatRevision;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.InitializationHeader;
import io.parasol.igvm.format.InitializationHeader.GuestPolicy;
import io.parasol.igvm.format.PageDataType;
import io.parasol.igvm.format.ParameterKind;
import io.parasol.igvm.format.PlatformHeader;
import io.parasol.igvm.format.PlatformHeader.SupportedPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an IGVM file from a {@link Recipe}. The result depends only on the recipe and the bytes of
 * the files it names, never on paths, times or the host (the reproducibility rules):
 *
 * <ol>
 *   <li>format v1 (x64); platforms get mask bits 0x1, 0x2, 0x4, 0x8 in recipe order; a GUEST_POLICY
 *       follows for each platform with a policy, in the same order;
 *   <li>directives in a fixed order: parameter area 0 ({@link Layout}) with VP_COUNT, COMMAND_LINE
 *       and MEMORY_MAP and its PARAMETER_INSERT; the GDT and page-table pages; the payload pages in
 *       ascending file order (Linux: boot_params, command line, kernel, initrd; raw: as listed);
 *       for an SEV-SNP platform its secrets page (SECRETS, no data) and its CPUID page (CPUID_DATA,
 *       {@link SnpCpuidPage}), at the recipe's GPAs or {@link Layout}'s, with that platform's mask;
 *       REQUIRED_MEMORY for the RAM; one VP context per platform in platform order (none for TDX,
 *       whose VPs start in the architectural reset state);
 *   <li>every other page, builder's or payload's, is shared by all platforms (one mask); a page of
 *       zeros is written without data (file offset 0), which every platform measures as a zero
 *       page;
 *   <li>the writer's layout: data in order of first use, identical pages stored once.
 * </ol>
 */
public final class ImageBuilder {
  private static final int PAGE = 4096;

  /** Told how far the build is (pages made of pages to make). */
  public interface Progress {
    void pages(long done, long total);

    Progress NONE = (done, total) -> {};
  }

  private ImageBuilder() {}

  public static IgvmFile build(Recipe recipe, Progress progress) throws BuildException {
    List<PlatformHeader> platforms = new ArrayList<>();
    List<InitializationHeader> inits = new ArrayList<>();
    int all = 0;
    for (int i = 0; i < recipe.platforms().size(); i++) {
      Recipe.PlatformSpec spec = recipe.platforms().get(i);
      int bit = 1 << i;
      platforms.add(SupportedPlatform.of(spec.type(), bit));
      all |= bit;
    }
    for (int i = 0; i < recipe.platforms().size(); i++) {
      Recipe.PlatformSpec spec = recipe.platforms().get(i);
      if (spec.policy().isPresent()) {
        inits.add(new GuestPolicy(spec.policy().get(), 1 << i));
      }
    }
    List<DirectiveHeader> directives = new ArrayList<>();
    directives.add(new ParameterArea(Layout.PARAMETER_AREA_BYTES, 0, Blob.empty()));
    directives.add(new Parameter(ParameterKind.VP_COUNT, 0, Layout.VP_COUNT_OFFSET));
    directives.add(new Parameter(ParameterKind.COMMAND_LINE, 0, Layout.COMMAND_LINE_OFFSET));
    directives.add(new Parameter(ParameterKind.MEMORY_MAP, 0, Layout.MEMORY_MAP_OFFSET));
    directives.add(new ParameterInsert(Layout.PARAMETER_AREA_GPA, all, 0));

    List<Region> regions = new ArrayList<>();
    regions.add(new Region(Layout.GDT_GPA, Blob.of(VpContexts.gdt()), false, "the GDT", all));
    regions.add(
        new Region(
            Layout.PML4_GPA, Blob.of(VpContexts.pageTables()), false, "the page tables", all));
    EntryState entry;
    switch (recipe.payload()) {
      case Recipe.LinuxPayload linux -> {
        byte[] initrd = linux.initrd().isPresent() ? read(linux.initrd().get(), "initrd") : null;
        LinuxDirectBoot boot =
            new LinuxDirectBoot(
                linux.kernel().getFileName().toString(),
                read(linux.kernel(), "kernel"),
                initrd,
                linux.cmdline(),
                recipe.memoryBytes());
        regions.add(
            new Region(
                boot.bootParams.gpa(),
                Blob.of(boot.bootParams.bytes()),
                false,
                "boot_params",
                all));
        regions.add(
            new Region(
                boot.cmdline.gpa(), Blob.of(boot.cmdline.bytes()), false, "the command line", all));
        regions.add(
            new Region(boot.kernel.gpa(), Blob.of(boot.kernel.bytes()), false, "the kernel", all));
        if (boot.initrd != null) {
          regions.add(
              new Region(
                  boot.initrd.gpa(), Blob.of(boot.initrd.bytes()), false, "the initrd", all));
        }
        entry = boot.entry;
      }
      case Recipe.PagesPayload pages -> {
        for (Recipe.Blob blob : pages.blobs()) {
          if (blob.gpa() < Layout.RESERVED_END) {
            throw new BuildException(
                String.format(
                    "%s at 0x%x overlaps the builder's pages below 0x%x",
                    blob.file(), blob.gpa(), Layout.RESERVED_END));
          }
          byte[] bytes = read(blob.file(), "payload file");
          if (bytes.length == 0) {
            throw new BuildException(blob.file() + " is empty");
          }
          regions.add(
              new Region(
                  blob.gpa(),
                  Blob.of(bytes),
                  blob.unmeasured(),
                  blob.file().getFileName().toString(),
                  all));
        }
        entry = pages.entry();
      }
    }
    for (int i = 0; i < recipe.platforms().size(); i++) {
      Recipe.PlatformSpec spec = recipe.platforms().get(i);
      if (spec.snp().isPresent()) {
        Recipe.SnpPages snp = spec.snp().get();
        regions.add(
            new Region(
                snp.secretsGpa(),
                Blob.empty(),
                PageDataType.SECRETS,
                "the SEV-SNP secrets page",
                1 << i));
        regions.add(
            new Region(
                snp.cpuidGpa(),
                Blob.of(SnpCpuidPage.page()),
                PageDataType.CPUID_DATA,
                "the SEV-SNP CPUID page",
                1 << i));
      }
    }
    checkOverlaps(regions, recipe.memoryBytes());
    long total = 0;
    for (Region r : regions) {
      total += r.pages();
    }
    long done = 0;
    for (Region r : regions) {
      int flags = r.unmeasured ? PageData.FLAG_UNMEASURED : 0;
      for (long p = 0; p < r.pages(); p++) {
        int offset = (int) (p * PAGE);
        Blob page = r.data.slice(offset, Math.min(PAGE, r.data.length() - offset));
        directives.add(
            new PageData(
                r.gpa + offset, r.mask, flags, r.type, page.isAllZero() ? Blob.empty() : page));
        done++;
        if ((done & 0x3FF) == 0 || done == total) {
          progress.pages(done, total);
        }
      }
    }
    directives.add(new RequiredMemory(0, all, (int) recipe.memoryBytes(), 0));
    for (int i = 0; i < recipe.platforms().size(); i++) {
      int bit = 1 << i;
      switch (recipe.platforms().get(i).type()) {
        case SEV_SNP ->
            directives.add(new VpContext(Layout.SNP_VMSA_GPA, bit, 0, VpContexts.snpVmsa(entry)));
        case VSM_ISOLATION ->
            directives.add(new VpContext(0, bit, 0, VpContexts.vbsContext(entry)));
        case NATIVE -> directives.add(new VpContext(0, bit, 0, VpContexts.nativeContext(entry)));
        default -> {}
      }
    }
    return new IgvmFile(FormatRevision.V1, platforms, inits, directives);
  }

  /** Pages at {@code gpa}; a region without data is one page without data. */
  private record Region(
      long gpa, Blob data, boolean unmeasured, PageDataType type, String what, int mask) {
    Region(long gpa, Blob data, boolean unmeasured, String what, int mask) {
      this(gpa, data, unmeasured, PageDataType.NORMAL, what, mask);
    }

    Region(long gpa, Blob data, PageDataType type, String what, int mask) {
      this(gpa, data, false, type, what, mask);
    }

    long pages() {
      return Math.max(1, (data.length() + PAGE - 1L) / PAGE);
    }

    long end() {
      return gpa + pages() * PAGE;
    }
  }

  private static void checkOverlaps(List<Region> regions, long memoryBytes) throws BuildException {
    for (int i = 0; i < regions.size(); i++) {
      Region a = regions.get(i);
      if (a.end() > memoryBytes) {
        throw new BuildException(
            String.format(
                "%s at 0x%x..0x%x lies outside the recipe's %d bytes of RAM",
                a.what, a.gpa, a.end(), memoryBytes));
      }
      if (a.gpa < Layout.PARAMETER_AREA_GPA + Layout.PARAMETER_AREA_BYTES
          && a.end() > Layout.PARAMETER_AREA_GPA) {
        throw new BuildException(a.what + " overlaps the parameter area");
      }
      for (int j = 0; j < i; j++) {
        Region b = regions.get(j);
        if (a.gpa < b.end() && b.gpa < a.end()) {
          throw new BuildException(
              String.format("%s at 0x%x overlaps %s at 0x%x", a.what, a.gpa, b.what, b.gpa));
        }
      }
    }
  }

  private static byte[] read(Path file, String what) throws BuildException {
    try {
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new BuildException("cannot read the " + what + " " + file + ": not a regular file");
      }
      if (Files.exists(file) && Files.size(file) > Integer.MAX_VALUE - 8) {
        throw new BuildException("the " + what + " " + file + " is larger than 2 GiB");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BuildException("cannot read the " + what + " " + file + ": no such file");
    } catch (IOException | OutOfMemoryError e) {
      throw new BuildException("cannot read the " + what + " " + file + ": " + e.getMessage(), e);
    }
  }
}
