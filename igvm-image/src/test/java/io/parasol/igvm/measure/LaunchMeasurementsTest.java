package io.parasol.igvm.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.PlatformType;
import io.parasol.igvm.format.Vectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The digests of the known-answer files, exactly as their README lists them. */
class LaunchMeasurementsTest {
  @Test
  void snpBasic() throws Exception {
    assertEquals(
        "728bd9e08ded45e7397d1d32ab6578bce8d47dd82ba325ba0464cb4a3158196b9a9741c202813fb7191116b3a128ece9",
        only("snp_basic.igvm", PlatformType.SEV_SNP));
  }

  @Test
  void tdxBasic() throws Exception {
    assertEquals(
        "444d1b055545f0d0ed8ddfaa21a746af6e86e6dddaa62351b84383d8fea221b5523dff4ae266461b9c33b8ebceb826d1",
        only("tdx_basic.igvm", PlatformType.TDX));
  }

  @Test
  void vbsBasic() throws Exception {
    assertEquals(
        "a6aba8d53c7e0e2d2ccfe1e9d6b98cd0b3d4f9d223af50a9c6731e53729a4a55",
        only("vbs_basic.igvm", PlatformType.VSM_ISOLATION));
  }

  @Test
  void multiPlatformEachPlatform() throws Exception {
    List<LaunchMeasurement> all = LaunchMeasurements.of(Vectors.parse("multi_platform.igvm"));
    assertEquals(3, all.size());
    assertEquals(PlatformType.SEV_SNP, all.get(0).platform());
    assertEquals(1, all.get(0).compatibilityMask());
    assertEquals(
        "c7026e8bbefc2511f08232d7a5852577d0cfda44ffb62d0d552d7605da49310cd788e96427161e665300071ef8cd9671",
        all.get(0).hex());
    assertEquals(PlatformType.TDX, all.get(1).platform());
    assertEquals(2, all.get(1).compatibilityMask());
    assertEquals(
        "68a06c67416a6a596bbf1b9934953131a55149d29dac3d907183f81bcd158e47d50baf459109ddd15377d53eac65b67e",
        all.get(1).hex());
    assertEquals(PlatformType.VSM_ISOLATION, all.get(2).platform());
    assertEquals(4, all.get(2).compatibilityMask());
    assertEquals(
        "ab915086aa38fb3ad9c87afcb2f565e661447cd1b7224415638f892626216e2a", all.get(2).hex());
  }

  @Test
  void everyMeasuredByteCountsAndUnmeasuredOnesDoNot() throws Exception {
    IgvmFile file = Vectors.parse("multi_platform.igvm");
    List<LaunchMeasurement> before = LaunchMeasurements.of(file);
    List<DirectiveHeader> changed = new ArrayList<>();
    List<DirectiveHeader> unmeasuredChanged = new ArrayList<>();
    boolean done = false;
    boolean doneUnmeasured = false;
    for (DirectiveHeader d : file.directives()) {
      DirectiveHeader c = d;
      DirectiveHeader u = d;
      if (d instanceof DirectiveHeader.PageData p
          && !p.data().isEmpty()
          && p.flags() == 0
          && p.compatibilityMask() == 7
          && !done) {
        byte[] data = p.data().toByteArray();
        data[4095] ^= 1;
        c =
            new DirectiveHeader.PageData(
                p.gpa(), p.compatibilityMask(), p.flags(), p.dataType(), Blob.of(data));
        done = true;
      }
      if (d instanceof DirectiveHeader.PageData p
          && (p.unmeasured() || p.shared())
          && !p.data().isEmpty()
          && !doneUnmeasured) {
        byte[] data = p.data().toByteArray();
        data[0] ^= 1;
        u =
            new DirectiveHeader.PageData(
                p.gpa(), p.compatibilityMask(), p.flags(), p.dataType(), Blob.of(data));
        doneUnmeasured = true;
      }
      changed.add(c);
      unmeasuredChanged.add(u);
    }
    List<LaunchMeasurement> after = LaunchMeasurements.of(file.withDirectives(changed));
    for (int i = 0; i < 3; i++) {
      assertNotEquals(before.get(i).hex(), after.get(i).hex(), before.get(i).platform().toString());
    }
    assertEquals(true, doneUnmeasured);
    List<LaunchMeasurement> same = LaunchMeasurements.of(file.withDirectives(unmeasuredChanged));
    assertEquals(before.get(0), same.get(0), "SNP ignores unmeasured/shared contents");
    assertEquals(before.get(1), same.get(1), "TDX ignores unmeasured/shared contents");
  }

  private static String only(String name, PlatformType type) throws Exception {
    List<LaunchMeasurement> all = LaunchMeasurements.of(Vectors.parse(name));
    assertEquals(1, all.size());
    assertEquals(type, all.getFirst().platform());
    return all.getFirst().hex();
  }
}
