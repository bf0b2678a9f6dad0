package io.parasol.igvm.measure;

import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.IgvmFile;
import java.util.HashMap;
import java.util.Map;

/** The size of each declared parameter area, for measuring its PARAMETER_INSERT. */
final class ParameterAreas {
  private final Map<Integer, Long> sizes = new HashMap<>();

  ParameterAreas(IgvmFile file) {
    for (DirectiveHeader d : file.directives()) {
      if (d instanceof DirectiveHeader.ParameterArea a) {
        sizes.put(a.parameterAreaIndex(), a.numberOfBytes());
      }
    }
  }

  /** Pages of area {@code index} (the file is valid, so it is declared). */
  long pages(int index) {
    return sizes.get(index) / 4096;
  }
}
