package io.parasol.igvm.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.Parameter;
import io.parasol.igvm.format.DirectiveHeader.ParameterArea;
import io.parasol.igvm.format.DirectiveHeader.ParameterInsert;
import io.parasol.igvm.format.InitializationHeader.GuestPolicy;
import io.parasol.igvm.format.PlatformHeader.SupportedPlatform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule of the format, broken once: the parser names it and where it is. */
class IgvmParserRulesTest {
  private static final int FIXED = 24;

  /** A small valid SNP file: platform, policy, area 0, VP_COUNT, insert, one page. */
  static IgvmFile small() {
    return new IgvmFile(
        FormatRevision.V1,
        List.of(SupportedPlatform.of(PlatformType.SEV_SNP, 1)),
        List.of(new GuestPolicy(0x30000, 1)),
        List.of(
            new ParameterArea(4096, 0, Blob.empty()),
            new Parameter(ParameterKind.VP_COUNT, 0, 0),
            new ParameterInsert(0x1000, 1, 0),
            PageData.normal(0x2000, 1, Blob.of(new byte[] {1, 2, 3}))));
  }

  /**
   * Header offsets of {@link #small()}: platform 24, policy 48, area 72, vp count 96, insert 112,
   * page 136.
   */
  private static IgvmFormatException broken(java.util.function.Consumer<byte[]> change) {
    byte[] file = IgvmWriter.write(small());
    change.accept(file);
    Le.putInt(file, 20, IgvmParser.checksum(file, FIXED, FIXED, Le.getInt(file, 12)));
    return assertThrows(IgvmFormatException.class, () -> IgvmParser.parse(file));
  }

  private static void assertRule(IgvmFormatException e, long offset, String words) {
    assertEquals(offset, e.offset(), e.getMessage());
    assertTrue(e.rule().contains(words), e.rule());
    assertTrue(e.getMessage().contains(String.format("0x%X", offset)), e.getMessage());
  }

  @Test
  void theSmallFileIsValid() throws Exception {
    assertEquals(small(), IgvmParser.parse(IgvmWriter.write(small())));
  }

  @Test
  void fixedHeaderRules() {
    assertRule(broken(f -> f[0] = 'X'), 0, "magic");
    assertRule(broken(f -> f[4] = 3), 4, "format_version 3");
    assertRule(broken(f -> f[8] = 20), 8, "variable_header_offset");
    byte[] file = IgvmWriter.write(small());
    byte[] longSection = file.clone();
    Le.putInt(longSection, 12, 1 << 20);
    assertRule(
        assertThrows(IgvmFormatException.class, () -> IgvmParser.parse(longSection)),
        12,
        "runs past the end");
    byte[] shorter = java.util.Arrays.copyOf(file, file.length - 1);
    assertRule(
        assertThrows(IgvmFormatException.class, () -> IgvmParser.parse(shorter)),
        16,
        "total_file_size");
    file[30] ^= 1;
    assertRule(
        assertThrows(IgvmFormatException.class, () -> IgvmParser.parse(file)), 20, "checksum");
    assertRule(
        assertThrows(IgvmFormatException.class, () -> IgvmParser.parse(new byte[10])),
        0,
        "shorter");
  }

  @Test
  void tlvRules() {
    assertRule(broken(f -> Le.putInt(f, 24 + 4, 17)), 28, "length 17 is not 16");
    assertRule(broken(f -> Le.putInt(f, 96 + 4, 4096)), 100, "runs past the end");
    assertRule(broken(f -> Le.putInt(f, 96, 0x250)), 96, "no group");
    assertRule(broken(f -> Le.putInt(f, 96, 0x3FF)), 96, "unknown header type 0x3FF");
    assertRule(broken(f -> Le.putInt(f, 96, 0x306)), 96, "reserved");
    assertRule(broken(f -> Le.putInt(f, 96, 0x101)), 96, "after a directive header");
    assertRule(broken(f -> Le.putInt(f, 88, 7)), 96, "not declared");
    // Group order: swap the platform and the policy entries (both 24 bytes).
    assertRule(
        broken(
            f -> {
              byte[] platform = java.util.Arrays.copyOfRange(f, 24, 48);
              System.arraycopy(f, 48, f, 24, 24);
              System.arraycopy(platform, 0, f, 48, 24);
            }),
        48,
        "order must be platform, initialization, directive");
  }

  @Test
  void fieldRules() {
    assertRule(broken(f -> Le.putInt(f, 32, 3)), 24, "exactly one bit");
    assertRule(broken(f -> f[32 + 5] = 9), 37, "unknown platform_type 9");
    assertRule(broken(f -> f[32 + 6] = 2), 24, "platform_version 2");
    assertRule(broken(f -> f[56 + 12] = 1), 68, "reserved byte");
    assertRule(
        broken(f -> Le.putInt(f, 56 + 8, 2)), 48, "names platforms the file does not declare");
    assertRule(broken(f -> Le.putLong(f, 144, 0x2001)), 136, "not 4 KiB aligned");
    assertRule(broken(f -> Le.putShort(f, 144 + 20, 7)), 164, "data_type 7");
    assertRule(broken(f -> Le.putInt(f, 144 + 12, 8)), 136, "not inside the file data section");
    assertRule(broken(f -> Le.putLong(f, 80, 100)), 80, "multiple of 4 KiB");
    assertRule(broken(f -> Le.putInt(f, 104, 5)), 96, "not declared");
  }

  @Test
  void optionalHeadersAreKeptAndWrittenBack() throws Exception {
    IgvmFile withOptional =
        small()
            .withDirectives(
                List.of(
                    new VariableHeader.OptionalHeader(0x8000_03F0, Blob.of(new byte[] {9, 9, 9})),
                    PageData.normal(0, 1, Blob.empty())));
    byte[] bytes = IgvmWriter.write(withOptional);
    IgvmFile read = IgvmParser.parse(bytes);
    assertEquals(withOptional, read);
    assertEquals(1, read.directivesFor(1).size(), "the optional header is skipped");
    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, IgvmWriter.write(read));
  }

  @Test
  void aFileWithoutDataGetsEightBytesSoTheReferenceParserReadsIt() throws Exception {
    IgvmFile noData =
        new IgvmFile(
            FormatRevision.V1,
            List.of(SupportedPlatform.of(PlatformType.TDX, 1)),
            List.of(),
            List.of(PageData.normal(0, 1, Blob.empty())));
    byte[] bytes = IgvmWriter.write(noData);
    assertEquals(FIXED + 16 + 8 + 24 + 8 + 8, bytes.length);
    assertEquals(noData, IgvmParser.parse(bytes));
  }

  @Test
  void version2FilesCarryArchitecture() throws Exception {
    IgvmFile v2 =
        new IgvmFile(
            FormatRevision.v2(Architecture.AARCH64),
            List.of(SupportedPlatform.of(PlatformType.VSM_ISOLATION, 1)),
            List.of(),
            List.of(PageData.normal(0, 1, Blob.of(new byte[] {5}))));
    byte[] bytes = IgvmWriter.write(v2);
    assertEquals(2, Le.getInt(bytes, 4));
    assertEquals(1, Le.getInt(bytes, 24));
    assertEquals(v2, IgvmParser.parse(bytes));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new IgvmFile(
                FormatRevision.v2(Architecture.AARCH64),
                List.of(SupportedPlatform.of(PlatformType.SEV_SNP, 1)),
                List.of(),
                List.of()));
  }
}
