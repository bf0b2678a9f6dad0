package io.parasol.igvm.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** The known-answer IGVM files in src/test/resources/io/parasol/igvm/vectors (see its README). */
public final class Vectors {
  public static final List<String> FILES =
      List.of("snp_basic.igvm", "tdx_basic.igvm", "vbs_basic.igvm", "multi_platform.igvm");

  private Vectors() {}

  public static byte[] bytes(String name) {
    try (InputStream in = Vectors.class.getResourceAsStream("/io/parasol/igvm/vectors/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test vector " + name + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static IgvmFile parse(String name) {
    try {
      return IgvmParser.parse(bytes(name));
    } catch (IgvmFormatException e) {
      throw new AssertionError(name + " does not parse", e);
    }
  }
}
