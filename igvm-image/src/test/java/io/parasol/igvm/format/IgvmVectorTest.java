package io.parasol.igvm.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.Parameter;
import io.parasol.igvm.format.DirectiveHeader.VpContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class IgvmVectorTest {
  static final List<String> FILES = Vectors.FILES;

  @ParameterizedTest
  @FieldSource("FILES")
  void parsesAndWritesBackByteIdentically(String name) throws Exception {
    byte[] original = Vectors.bytes(name);
    IgvmFile parsed = IgvmParser.parse(original);
    byte[] written = IgvmWriter.write(parsed);
    assertEquals(original.length, written.length, name + " length");
    assertArrayEquals(original, written, name);
    assertEquals(parsed, IgvmParser.parse(written));
  }

  @Test
  void snpBasicHasTheHeadersItsReadmeNames() {
    IgvmFile f = Vectors.parse("snp_basic.igvm");
    assertEquals(1, f.platforms().size());
    assertEquals(PlatformType.SEV_SNP, f.supportedPlatforms().getFirst().platformType());
    assertEquals(0x30000L, f.guestPolicy(1).orElseThrow().policy());
    List<PageData> pages =
        f.directives().stream().filter(d -> d instanceof PageData).map(d -> (PageData) d).toList();
    assertTrue(pages.stream().anyMatch(p -> p.dataType() == PageDataType.SECRETS));
    assertTrue(pages.stream().anyMatch(p -> p.dataType() == PageDataType.CPUID_DATA));
    assertTrue(pages.stream().anyMatch(PageData::unmeasured));
    assertTrue(pages.stream().anyMatch(PageData::shared));
    assertTrue(pages.stream().anyMatch(p -> p.data().isEmpty()));
    VpContext vmsa =
        f.directives().stream()
            .filter(d -> d instanceof VpContext)
            .map(d -> (VpContext) d)
            .findFirst()
            .orElseThrow();
    assertEquals(0xFFFFFFFFF000L, vmsa.gpa());
    assertEquals(3, f.directives().stream().filter(d -> d instanceof Parameter).count());
  }

  @Test
  void vbsContextHasEightRegisters() {
    IgvmFile f = Vectors.parse("vbs_basic.igvm");
    VpContext c =
        f.directives().stream()
            .filter(d -> d instanceof VpContext)
            .map(d -> (VpContext) d)
            .findFirst()
            .orElseThrow();
    assertEquals(8, VbsRegister.decode(c.data()).size());
    assertEquals(c.data(), VbsRegister.encode(VbsRegister.decode(c.data())));
  }
}
