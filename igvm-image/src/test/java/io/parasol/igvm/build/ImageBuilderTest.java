package io.parasol.igvm.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.VpContext;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.IgvmParser;
import io.parasol.igvm.format.IgvmWriter;
import io.parasol.igvm.format.PlatformType;
import io.parasol.igvm.measure.LaunchMeasurement;
import io.parasol.igvm.measure.LaunchMeasurements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {
  static final String LINUX_RECIPE =
      """
      {
        "platforms": [ {"type": "snp", "policy": "0x30000"}, {"type": "tdx", "policy": "0x10000000"},
                       {"type": "vbs"}, {"type": "native"} ],
        "memory": {"bytes": "64M"},
        "payload": {"linux": {"kernel": "kernel/bzImage", "initrd": "initrd.img",
                              "cmdline": "console=ttyS0 quiet"}}
      }
      """;

  /** A bzImage as far as the boot protocol is concerned: setup header, 2 setup sectors, code. */
  static byte[] fakeBzImage(int codeBytes, long seed) {
    byte[] image = new byte[3 * 512 + codeBytes];
    new Random(seed).nextBytes(image);
    image[0x1F1] = 2; // setup_sects
    image[0x201] = 0x66; // header length - 0x202
    put32(image, 0x202, 0x53726448); // "HdrS"
    image[0x206] = 0x0F; // version 2.15
    image[0x207] = 0x02;
    image[0x211] = 0x01; // LOADED_HIGH
    put32(image, 0x22C, 0x7FFFFFFF); // initrd_addr_max
    image[0x236] = 0x03; // XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
    put32(image, 0x260, 4 << 20); // init_size
    return image;
  }

  static void put32(byte[] b, int at, int v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static Path inputs(Path dir, Instant time) throws Exception {
    Files.createDirectories(dir.resolve("kernel"));
    Files.write(dir.resolve("kernel/bzImage"), fakeBzImage(300_000, 1));
    byte[] initrd = new byte[100_000];
    new Random(2).nextBytes(initrd);
    Files.write(dir.resolve("initrd.img"), initrd);
    Path recipe = dir.resolve("recipe.json");
    Files.writeString(recipe, LINUX_RECIPE);
    for (Path p : List.of(recipe, dir.resolve("kernel/bzImage"), dir.resolve("initrd.img"))) {
      Files.setLastModifiedTime(p, FileTime.from(time));
    }
    return recipe;
  }

  @Test
  void twoBuildsInDifferentDirectoriesAtDifferentTimesAreByteIdentical(
      @TempDir Path a, @TempDir Path b) throws Exception {
    Path first = inputs(a.resolve("one/deeper"), Instant.parse("2020-01-01T00:00:00Z"));
    Path second = inputs(b.resolve("two"), Instant.parse("2026-11-21T12:00:00Z"));
    byte[] x = IgvmWriter.write(ImageBuilder.build(Recipe.read(first), ImageBuilder.Progress.NONE));
    byte[] y =
        IgvmWriter.write(ImageBuilder.build(Recipe.read(second), ImageBuilder.Progress.NONE));
    assertArrayEquals(x, y);
    // And the inputs matter: another command line gives another image and other digests.
    Files.writeString(second, LINUX_RECIPE.replace("quiet", "debug"));
    byte[] z =
        IgvmWriter.write(ImageBuilder.build(Recipe.read(second), ImageBuilder.Progress.NONE));
    assertNotEquals(
        LaunchMeasurements.of(IgvmParser.parse(x)).get(0),
        LaunchMeasurements.of(IgvmParser.parse(z)).get(0));
  }

  @Test
  void aLinuxImageHasEveryPlatformAndTheBootProtocolLayout(@TempDir Path dir) throws Exception {
    IgvmFile file =
        ImageBuilder.build(Recipe.read(inputs(dir, Instant.EPOCH)), ImageBuilder.Progress.NONE);
    IgvmFile read = IgvmParser.parse(IgvmWriter.write(file));
    assertEquals(file, read);
    assertEquals(4, read.supportedPlatforms().size());
    List<LaunchMeasurement> measurements = LaunchMeasurements.of(read);
    assertEquals(
        List.of(PlatformType.SEV_SNP, PlatformType.TDX, PlatformType.VSM_ISOLATION),
        measurements.stream().map(LaunchMeasurement::platform).toList());
    assertEquals(0x10000000L, read.guestPolicy(2).orElseThrow().policy());
    // boot_params: cmd_line_ptr and the initrd's place, and the command line itself.
    PageData params = page(read, Layout.BOOT_PARAMS_GPA);
    assertEquals(Layout.CMDLINE_GPA, le32(params, 0x228));
    long initrd = le32(params, 0x218);
    assertEquals(100_000, le32(params, 0x21C));
    assertEquals(0, initrd % (2 << 20));
    assertTrue(initrd + 100_000 <= 64 << 20);
    String cmdline =
        new String(
            page(read, Layout.CMDLINE_GPA).data().toByteArray(),
            0,
            19,
            java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals("console=ttyS0 quiet", cmdline);
    // The native VP context enters the 64-bit entry point with RSI = boot_params.
    VpContext nativeContext =
        read.directives().stream()
            .filter(d -> d instanceof VpContext v && v.compatibilityMask() == 8)
            .map(d -> (VpContext) d)
            .findFirst()
            .orElseThrow();
    byte[] ctx = nativeContext.data().toByteArray();
    assertEquals(
        0x100200L,
        java.nio.ByteBuffer.wrap(ctx, 128, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
    assertEquals(
        Layout.BOOT_PARAMS_GPA,
        java.nio.ByteBuffer.wrap(ctx, 48, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
    assertTrue(
        read.directives().stream()
            .noneMatch(d -> d instanceof VpContext v && v.compatibilityMask() == 2),
        "no TDX VP context");
  }

  @Test
  void progressIsReportedUpToTheTotal(@TempDir Path dir) throws Exception {
    List<long[]> reports = new ArrayList<>();
    ImageBuilder.build(
        Recipe.read(inputs(dir, Instant.EPOCH)),
        (done, total) -> reports.add(new long[] {done, total}));
    long[] last = reports.getLast();
    assertEquals(last[0], last[1]);
    assertTrue(last[1] > 90, "pages " + last[1]);
  }

  @Test
  void recipeErrorsNameTheField(@TempDir Path dir) throws Exception {
    inputs(dir, Instant.EPOCH);
    assertError(
        dir,
        LINUX_RECIPE.replace("\"tdx\"", "\"sgx\""),
        "/platforms/1/type 'sgx' is not snp, tdx, vbs or native");
    assertError(
        dir, LINUX_RECIPE.replace("\"64M\"", "\"lots\""), "/memory/bytes 'lots' is not a number");
    assertError(
        dir,
        LINUX_RECIPE.replace("\"64M\"", "\"1M\""),
        "/memory/bytes must be a multiple of 4 KiB from 2 MiB to 3 GiB");
    assertError(dir, LINUX_RECIPE.replace("initrd.img", "missing.img"), "no such file");
    assertError(
        dir,
        LINUX_RECIPE.replace("\"cmdline\"", "\"commandline\""),
        "/payload/linux/commandline is not a recipe field");
    assertError(dir, "{", "is not JSON");
    assertError(dir, LINUX_RECIPE.replace("\"4M\"", "").replace("64M", "4M"), "RAM");
    Files.write(dir.resolve("kernel/bzImage"), new byte[4096]);
    assertError(dir, LINUX_RECIPE, "is not a Linux bzImage");
  }

  @Test
  void rawPagesWithAProtectedModeEntry(@TempDir Path dir) throws Exception {
    byte[] guest = new byte[10_000];
    new Random(3).nextBytes(guest);
    Files.write(dir.resolve("guest.bin"), guest);
    Files.write(dir.resolve("zeros.bin"), new byte[8192]);
    Path recipe = dir.resolve("raw.json");
    Files.writeString(
        recipe,
        """
        {"platforms": [{"type": "native"}, {"type": "snp"}], "memory": {"bytes": "16M"},
         "payload": {"pages": [{"gpa": "0x100000", "file": "guest.bin"},
                               {"gpa": "0x200000", "file": "zeros.bin", "unmeasured": true}],
                     "entry": {"mode": "protected32", "rip": "0x100000"}}}
        """);
    IgvmFile file = ImageBuilder.build(Recipe.read(recipe), ImageBuilder.Progress.NONE);
    assertEquals(0x30000L, file.guestPolicy(2).orElseThrow().policy(), "SNP's default policy");
    assertArrayEquals(
        java.util.Arrays.copyOf(guest, 4096), page(file, 0x100000).data().toByteArray());
    assertTrue(page(file, 0x200000).data().isEmpty(), "a zero page has no data");
    assertTrue(page(file, 0x200000).unmeasured());
    Files.writeString(recipe, Files.readString(recipe).replace("0x200000", "0x101000"));
    assertThrows(
        BuildException.class,
        () -> ImageBuilder.build(Recipe.read(recipe), ImageBuilder.Progress.NONE));
  }

  private static void assertError(Path dir, String json, String words) throws Exception {
    Path recipe = dir.resolve("recipe.json");
    Files.writeString(recipe, json);
    BuildException e =
        assertThrows(
            BuildException.class,
            () -> ImageBuilder.build(Recipe.read(recipe), ImageBuilder.Progress.NONE));
    assertTrue(e.getMessage().contains(words), e.getMessage());
  }

  private static PageData page(IgvmFile file, long gpa) {
    for (DirectiveHeader d : file.directives()) {
      if (d instanceof PageData p && p.gpa() == gpa) {
        return p;
      }
    }
    throw new AssertionError("no page at 0x" + Long.toHexString(gpa));
  }

  private static long le32(PageData page, int at) {
    byte[] b = page.data().toByteArray();
    return (b[at] & 0xFFL)
        | (b[at + 1] & 0xFFL) << 8
        | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }
}
