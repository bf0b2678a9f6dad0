package io.parasol.paravisor.boot;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.FormatRevision;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.IgvmWriter;
import io.parasol.igvm.format.PlatformHeader.SupportedPlatform;
import io.parasol.igvm.format.PlatformType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refusals that come before any guest memory is touched (booting is tested in IgvmBootIT). */
class IgvmBootImageTest {
  @Test
  void aFileWithoutNativePlatformIsRefusedWithAReason() throws Exception {
    IgvmFile snpOnly =
        new IgvmFile(
            FormatRevision.V1,
            List.of(SupportedPlatform.of(PlatformType.SEV_SNP, 1)),
            List.of(),
            List.of(PageData.normal(0x1000, 1, Blob.of(new byte[] {1}))));
    BootException e =
        assertThrows(
            BootException.class, () -> new IgvmBootImage("snp.igvm", snpOnly, "").load(null));
    assertTrue(e.getMessage().contains("no NATIVE platform"), e.getMessage());
  }

  @Test
  void anInvalidFileNamesTheRuleAndOffset(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.igvm");
    byte[] bytes =
        IgvmWriter.write(
            new IgvmFile(
                FormatRevision.V1,
                List.of(SupportedPlatform.of(PlatformType.NATIVE, 1)),
                List.of(),
                List.of(PageData.normal(0, 1, Blob.of(new byte[] {1})))));
    bytes[0] = 'X';
    Files.write(file, bytes);
    BootException e = assertThrows(BootException.class, () -> IgvmBootImage.fromFile(file, ""));
    assertTrue(e.getMessage().contains("offset 0x0: magic"), e.getMessage());
    assertThrows(
        BootException.class, () -> IgvmBootImage.fromFile(dir.resolve("missing.igvm"), ""));
  }
}
