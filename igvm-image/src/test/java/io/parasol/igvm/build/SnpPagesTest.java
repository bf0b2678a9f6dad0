package io.parasol.igvm.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.ParameterArea;
import io.parasol.igvm.format.DirectiveHeader.ParameterInsert;
import io.parasol.igvm.format.DirectiveHeader.VpContext;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.IgvmParser;
import io.parasol.igvm.format.IgvmWriter;
import io.parasol.igvm.format.PageDataType;
import io.parasol.igvm.format.PlatformType;
import io.parasol.igvm.measure.LaunchMeasurements;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SEV-SNP images carry a secrets page and a CPUID page, measured with their own page types. */
class SnpPagesTest {
  @TempDir Path dir;

  private IgvmFile build(String platforms) throws Exception {
    byte[] payload = new byte[700 * 4096]; // three chunks of page hashes
    new Random(5).nextBytes(payload);
    Files.write(dir.resolve("guest.bin"), payload);
    Path recipe = dir.resolve("recipe.json");
    Files.writeString(
        recipe,
        """
        {"platforms": [%s], "memory": {"bytes": "8M"},
         "payload": {"pages": [{"gpa": "0x100000", "file": "guest.bin"}],
                     "entry": {"mode": "protected32", "rip": "0x100000"}}}
        """
            .formatted(platforms));
    IgvmFile file = ImageBuilder.build(Recipe.read(recipe), ImageBuilder.Progress.NONE);
    // What is written reads back as the same file.
    assertEquals(file, IgvmParser.parse(IgvmWriter.write(file)));
    return file;
  }

  private static List<PageData> pagesOfType(IgvmFile file, PageDataType type) {
    return file.directives().stream()
        .filter(d -> d instanceof PageData p && p.dataType() == type)
        .map(d -> (PageData) d)
        .toList();
  }

  @Test
  void defaultGpasWithTheSnpPlatformsMaskOnly() throws Exception {
    IgvmFile file = build("{\"type\": \"tdx\"}, {\"type\": \"snp\"}, {\"type\": \"native\"}");
    List<PageData> secrets = pagesOfType(file, PageDataType.SECRETS);
    List<PageData> cpuid = pagesOfType(file, PageDataType.CPUID_DATA);
    assertEquals(1, secrets.size());
    assertEquals(1, cpuid.size());
    assertEquals(Layout.SNP_SECRETS_GPA, secrets.get(0).gpa());
    assertEquals(Layout.SNP_CPUID_GPA, cpuid.get(0).gpa());
    assertEquals(0x2, secrets.get(0).compatibilityMask(), "snp is the second platform");
    assertEquals(0x2, cpuid.get(0).compatibilityMask());
    assertEquals(0, secrets.get(0).flags());
    assertEquals(0, cpuid.get(0).flags());
    assertTrue(secrets.get(0).data().isEmpty(), "the PSP fills the secrets page");
    assertArrayEquals(SnpCpuidPage.page(), cpuid.get(0).data().toByteArray());
    // The other platforms import neither.
    assertTrue(
        file.directivesFor(0x1).stream()
            .noneMatch(d -> d instanceof PageData p && p.dataType() != PageDataType.NORMAL));
  }

  @Test
  void noSnpPlatformNoSnpPages() throws Exception {
    IgvmFile file = build("{\"type\": \"tdx\"}, {\"type\": \"vbs\"}");
    assertTrue(pagesOfType(file, PageDataType.SECRETS).isEmpty());
    assertTrue(pagesOfType(file, PageDataType.CPUID_DATA).isEmpty());
  }

  @Test
  void cpuidTableLayout() {
    byte[] page = SnpCpuidPage.page();
    assertEquals(4096, page.length);
    ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    int count = b.getInt(0);
    assertEquals(SnpCpuidPage.LEAVES.size(), count);
    assertTrue(count <= 64);
    for (int i = 4; i < 16; i++) {
      assertEquals(0, page[i], "reserved header byte " + i);
    }
    for (int i = 0; i < count; i++) {
      int at = 16 + 48 * i;
      SnpCpuidPage.Leaf leaf = SnpCpuidPage.LEAVES.get(i);
      assertEquals(leaf.function(), b.getInt(at));
      assertEquals(leaf.subfunction(), b.getInt(at + 4));
      assertEquals(leaf.xcr0(), b.getLong(at + 8));
      assertEquals(0, b.getLong(at + 16), "xss_in");
      for (int o = 24; o < 48; o++) {
        assertEquals(0, page[at + o], "outputs and reserved bytes are zero");
      }
    }
    for (int i = 16 + 48 * count; i < 4096; i++) {
      assertEquals(0, page[i]);
    }
    // The leaves the SNP guest cannot boot without, and XSAVE with XCR0 given.
    assertTrue(SnpCpuidPage.LEAVES.contains(new SnpCpuidPage.Leaf(0x8000_001F, 0, 0)));
    assertTrue(SnpCpuidPage.LEAVES.contains(new SnpCpuidPage.Leaf(0xD, 0, 1)));
    assertEquals(
        SnpCpuidPage.LEAVES.size(),
        SnpCpuidPage.LEAVES.stream().distinct().count(),
        "no leaf twice");
    assertThrows(
        IllegalArgumentException.class,
        () -> SnpCpuidPage.page(java.util.Collections.nCopies(65, SnpCpuidPage.LEAVES.get(0))));
  }

  @Test
  void recipeGivenGpas() throws Exception {
    IgvmFile file =
        build("{\"type\": \"snp\", \"secrets\": \"0x600000\", \"cpuid\": \"0x601000\"}");
    assertEquals(0x600000, pagesOfType(file, PageDataType.SECRETS).get(0).gpa());
    assertEquals(0x601000, pagesOfType(file, PageDataType.CPUID_DATA).get(0).gpa());
  }

  @Test
  void badGpasAreRejectedWithTheFieldNamed() throws Exception {
    for (String[] c :
        new String[][] {
          {"{\"type\": \"snp\", \"secrets\": \"0x600800\"}", "/platforms/0/secrets"},
          {"{\"type\": \"snp\", \"cpuid\": \"0xA000\"}", "/platforms/0/cpuid"},
          {"{\"type\": \"tdx\", \"cpuid\": \"0x600000\"}", "/platforms/0/cpuid"},
          {"{\"type\": \"snp\", \"secrets\": \"0x101000\"}", "overlaps guest.bin"},
          {"{\"type\": \"snp\", \"cpuid\": \"0x8000\"}", "overlaps the parameter area"},
          {"{\"type\": \"snp\", \"cpuid\": \"0x800000\"}", "outside the recipe's"},
        }) {
      BuildException e = assertThrows(BuildException.class, () -> build(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
    }
  }

  /**
   * The launch digest, computed here in the plainest way (the SNP ABI's PAGE_INFO chain, page by
   * page with the JDK's SHA-384), equals the library's; and the secrets and CPUID pages count with
   * their own page types: moving either changes the digest, the CPUID table's contents do not.
   */
  @Test
  void launchDigestMeasuresSecretsAndCpuidPagesByTypeAndGpa() throws Exception {
    IgvmFile file = build("{\"type\": \"snp\"}");
    String digest = snpDigest(file);
    assertEquals(reference(file, 0x1), digest);

    IgvmFile moved = build("{\"type\": \"snp\", \"secrets\": \"0x600000\"}");
    assertNotEquals(digest, snpDigest(moved));
    assertEquals(reference(moved, 0x1), snpDigest(moved));
    IgvmFile movedCpuid = build("{\"type\": \"snp\", \"cpuid\": \"0x600000\"}");
    assertNotEquals(digest, snpDigest(movedCpuid));
    assertNotEquals(snpDigest(moved), snpDigest(movedCpuid));

    // Another CPUID table at the same GPA: same digest (the PSP does not measure its contents).
    List<DirectiveHeader> changed =
        file.directives().stream()
            .map(
                d ->
                    d instanceof PageData p && p.dataType() == PageDataType.CPUID_DATA
                        ? (DirectiveHeader)
                            new PageData(
                                p.gpa(),
                                p.compatibilityMask(),
                                p.flags(),
                                p.dataType(),
                                io.parasol.igvm.format.Blob.of(
                                    SnpCpuidPage.page(SnpCpuidPage.LEAVES.subList(0, 3))))
                        : d)
            .toList();
    assertEquals(digest, snpDigest(file.withDirectives(changed)));
  }

  private static String snpDigest(IgvmFile file) throws Exception {
    return LaunchMeasurements.of(file, PlatformType.SEV_SNP).orElseThrow().hex();
  }

  private static String reference(IgvmFile file, int bit) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-384");
    byte[] ld = new byte[48];
    for (DirectiveHeader d : file.directivesFor(bit)) {
      switch (d) {
        case PageData p -> {
          int type =
              switch (p.dataType()) {
                case SECRETS -> 5;
                case CPUID_DATA, CPUID_XF -> 6;
                case NORMAL -> 1;
              };
          byte[] contents = new byte[48];
          if (type == 1) {
            contents = sha.digest(p.data().isEmpty() ? new byte[4096] : p.data().toByteArray());
          }
          ld = step(sha, ld, contents, type, p.gpa());
        }
        case ParameterInsert p -> {
          long bytes =
              file.directives().stream()
                  .filter(
                      a ->
                          a instanceof ParameterArea area
                              && area.parameterAreaIndex() == p.parameterAreaIndex())
                  .mapToLong(a -> ((ParameterArea) a).numberOfBytes())
                  .findFirst()
                  .orElseThrow();
          for (long i = 0; i < bytes / 4096; i++) {
            ld = step(sha, ld, new byte[48], 4, p.gpa() + i * 4096);
          }
        }
        case VpContext c -> ld = step(sha, ld, sha.digest(c.data().toByteArray()), 2, c.gpa());
        default -> {}
      }
    }
    return HexFormat.of().formatHex(ld);
  }

  /** PAGE_INFO: DIGEST_CUR, CONTENTS, LENGTH 0x70, PAGE_TYPE, IMI 0, VMPL perms 0, GPA. */
  private static byte[] step(MessageDigest sha, byte[] ld, byte[] contents, int type, long gpa) {
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.writeBytes(ld);
    info.writeBytes(contents);
    ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    tail.putShort((short) 0x70).put((byte) type).put((byte) 0).putInt(0).putLong(gpa);
    info.writeBytes(tail.array());
    assertEquals(0x70, info.size());
    return sha.digest(info.toByteArray());
  }
}
