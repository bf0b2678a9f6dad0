package io.parasol.igvm.format;

import io.parasol.igvm.format.DirectiveHeader.ErrorRange;
import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.Parameter;
import io.parasol.igvm.format.DirectiveHeader.ParameterArea;
import io.parasol.igvm.format.DirectiveHeader.ParameterInsert;
import io.parasol.igvm.format.DirectiveHeader.RequiredMemory;
import io.parasol.igvm.format.DirectiveHeader.SnpIdBlock;
import io.parasol.igvm.format.DirectiveHeader.VbsMeasurement;
import io.parasol.igvm.format.DirectiveHeader.VpContext;
import io.parasol.igvm.format.InitializationHeader.CcaPolicy;
import io.parasol.igvm.format.InitializationHeader.CorimDocument;
import io.parasol.igvm.format.InitializationHeader.CorimSignature;
import io.parasol.igvm.format.InitializationHeader.GuestPolicy;
import io.parasol.igvm.format.InitializationHeader.PageTableRelocationRegion;
import io.parasol.igvm.format.InitializationHeader.RelocatableRegion;
import io.parasol.igvm.format.PlatformHeader.SupportedPlatform;
import io.parasol.igvm.format.VariableHeader.OptionalHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules between headers (the rules of one header's fields are in its record): platforms
 * declared once each, masks naming declared platforms, the parameter area life cycle, VP contexts
 * matching their platform, one policy per platform. Used by {@link IgvmFile} (for files built in
 * code) and by the parser (which turns a violation into an offset).
 */
final class HeaderRules {
  /** The first broken rule: the index of the header in file order and the rule. */
  record Violation(int headerIndex, String rule) {}

  private HeaderRules() {}

  static Violation check(
      FormatRevision revision,
      List<PlatformHeader> platforms,
      List<InitializationHeader> initializations,
      List<DirectiveHeader> directives) {
    List<VariableHeader> all = new ArrayList<>();
    all.addAll(platforms);
    all.addAll(initializations);
    all.addAll(directives);
    Map<Integer, PlatformType> byBit = new HashMap<>();
    Set<PlatformType> types = new HashSet<>();
    int declared = 0;
    int index = 0;
    for (PlatformHeader header : platforms) {
      if (header instanceof SupportedPlatform p) {
        if (!p.platformType().runsOn(revision.architecture())) {
          return new Violation(
              index, p.platformType() + " is not a platform of " + revision.architecture());
        }
        if ((declared & p.compatibilityMask()) != 0) {
          return new Violation(
              index, "compatibility mask bit " + hex(p.compatibilityMask()) + " is declared twice");
        }
        if (!types.add(p.platformType())) {
          return new Violation(index, "platform " + p.platformType() + " is declared twice");
        }
        declared |= p.compatibilityMask();
        byBit.put(p.compatibilityMask(), p.platformType());
      }
      index++;
    }
    if (declared == 0) {
      return new Violation(0, "the file declares no SUPPORTED_PLATFORM");
    }
    for (int i = platforms.size(); i < all.size(); i++) {
      VariableHeader h = all.get(i);
      int mask = h.compatibilityMask();
      if ((mask & ~declared) != 0) {
        return new Violation(
            i,
            HeaderType.name(h.type())
                + " compatibility_mask "
                + hex(mask)
                + " names platforms the file does not declare ("
                + hex(declared)
                + ")");
      }
    }
    Violation v =
        checkInitializations(revision, byBit, platforms.size(), initializations, directives);
    if (v != null) {
      return v;
    }
    return checkDirectives(byBit, platforms.size() + initializations.size(), directives);
  }

  private static Violation checkInitializations(
      FormatRevision revision,
      Map<Integer, PlatformType> byBit,
      int first,
      List<InitializationHeader> initializations,
      List<DirectiveHeader> directives) {
    int policies = 0;
    int documents = 0;
    int signatures = 0;
    int pageTables = 0;
    List<long[]> regions = new ArrayList<>(); // {mask, start, end}
    for (int i = 0; i < initializations.size(); i++) {
      InitializationHeader h = initializations.get(i);
      int at = first + i;
      int mask = h.compatibilityMask();
      switch (h) {
        case GuestPolicy p -> {
          if ((policies & mask) != 0) {
            return new Violation(at, "a second GUEST_POLICY for mask " + hex(policies & mask));
          }
          policies |= mask;
        }
        case CorimDocument d -> {
          if ((documents & mask) != 0) {
            return new Violation(at, "a second CORIM_DOCUMENT for mask " + hex(documents & mask));
          }
          documents |= mask;
        }
        case CorimSignature s -> {
          if ((signatures & mask) != 0) {
            return new Violation(at, "a second CORIM_SIGNATURE for mask " + hex(signatures & mask));
          }
          if ((mask & ~documents) != 0) {
            return new Violation(
                at,
                "CORIM_SIGNATURE for mask "
                    + hex(mask & ~documents)
                    + " has no earlier CORIM_DOCUMENT");
          }
          signatures |= mask;
        }
        case CcaPolicy c -> {
          if (revision.architecture() != Architecture.AARCH64
              || !onlyPlatforms(mask, byBit, PlatformType.CCA)) {
            return new Violation(at, "CCA_POLICY must name CCA platforms only (AArch64 files)");
          }
        }
        case PageTableRelocationRegion r -> {
          if ((pageTables & mask) != 0) {
            return new Violation(
                at, "a second PAGE_TABLE_RELOCATION_REGION for mask " + hex(pageTables & mask));
          }
          pageTables |= mask;
          Violation v = overlap(regions, at, mask, r.gpa(), r.size());
          if (v != null) {
            return v;
          }
          if (!hasVpContext(directives, mask, r.vpIndex())) {
            return new Violation(
                at,
                "PAGE_TABLE_RELOCATION_REGION names VP "
                    + r.vpIndex()
                    + ", which has no VP_CONTEXT");
          }
        }
        case RelocatableRegion r -> {
          Violation v =
              overlap(regions, at, mask, r.relocationRegionGpa(), r.relocationRegionSize());
          if (v != null) {
            return v;
          }
          if (!hasVpContext(directives, mask, r.vpIndex())) {
            return new Violation(
                at, "RELOCATABLE_REGION names VP " + r.vpIndex() + ", which has no VP_CONTEXT");
          }
        }
        case OptionalHeader o -> {}
      }
    }
    return null;
  }

  private static Violation overlap(List<long[]> regions, int at, int mask, long start, long size) {
    long end = start + size;
    for (long[] r : regions) {
      if ((r[0] & mask) != 0
          && Long.compareUnsigned(start, r[2]) < 0
          && Long.compareUnsigned(r[1], end) < 0) {
        return new Violation(at, "relocation regions overlap for mask " + hex((int) r[0] & mask));
      }
    }
    regions.add(new long[] {mask & 0xFFFFFFFFL, start, end});
    return null;
  }

  private static boolean hasVpContext(List<DirectiveHeader> directives, int mask, int vpIndex) {
    for (DirectiveHeader d : directives) {
      if (d instanceof VpContext c
          && (c.compatibilityMask() & mask) != 0
          && c.vpIndex() == vpIndex) {
        return true;
      }
    }
    return false;
  }

  private static boolean onlyPlatforms(
      int mask, Map<Integer, PlatformType> byBit, PlatformType... allowed) {
    for (int bits = mask; bits != 0; bits &= bits - 1) {
      PlatformType t = byBit.get(Integer.lowestOneBit(bits));
      if (!List.of(allowed).contains(t)) {
        return false;
      }
    }
    return true;
  }

  private static Violation checkDirectives(
      Map<Integer, PlatformType> byBit, int first, List<DirectiveHeader> directives) {
    Map<Integer, ParameterArea> declaredAreas = new HashMap<>();
    Set<Integer> inserted = new HashSet<>();
    Set<Long> vpContexts = new HashSet<>();
    for (int i = 0; i < directives.size(); i++) {
      DirectiveHeader h = directives.get(i);
      int at = first + i;
      String rule =
          switch (h) {
            case ParameterArea a -> {
              if (declaredAreas.containsKey(a.parameterAreaIndex())) {
                yield "parameter area " + a.parameterAreaIndex() + " is declared twice";
              }
              declaredAreas.put(a.parameterAreaIndex(), a);
              yield null;
            }
            case Parameter p -> {
              if (!declaredAreas.containsKey(p.parameterAreaIndex())) {
                yield p.kind()
                    + " names parameter area "
                    + p.parameterAreaIndex()
                    + ", which is not declared";
              } else if (inserted.contains(p.parameterAreaIndex())) {
                yield p.kind()
                    + " names parameter area "
                    + p.parameterAreaIndex()
                    + ", which is already inserted";
              }
              // DEVNOTE: byte_offset is not checked against the area's size here: the reference
              // crate does not, and its multi-platform vector has a MEMORY_MAP at 0x1000 of a
              // 4 KiB area. A loader fails when the data it deposits does not fit.
              yield null;
            }
            case ParameterInsert p -> {
              if (!declaredAreas.containsKey(p.parameterAreaIndex())) {
                yield "PARAMETER_INSERT names parameter area "
                    + p.parameterAreaIndex()
                    + ", which is not declared";
              } else if (!inserted.add(p.parameterAreaIndex())) {
                yield "parameter area " + p.parameterAreaIndex() + " is inserted twice";
              }
              yield null;
            }
            case VpContext c -> {
              PlatformType platform = byBit.get(c.compatibilityMask());
              if (!vpContexts.add((long) c.compatibilityMask() << 16 | c.vpIndex())) {
                yield "a second VP_CONTEXT for VP " + c.vpIndex() + " on " + platform;
              }
              yield vpContextRule(platform, c);
            }
            case SnpIdBlock b ->
                onlyPlatforms(b.compatibilityMask(), byBit, PlatformType.SEV_SNP)
                    ? null
                    : "SNP_ID_BLOCK compatibility_mask names a platform that is not SEV_SNP";
            case VbsMeasurement m ->
                onlyPlatforms(m.compatibilityMask(), byBit, PlatformType.VSM_ISOLATION)
                    ? null
                    : "VBS_MEASUREMENT compatibility_mask names a platform that is not VSM_ISOLATION";
            case PageData p -> null;
            case RequiredMemory r -> null;
            case ErrorRange r -> null;
            case OptionalHeader o -> null;
          };
      if (rule != null) {
        return new Violation(at, rule);
      }
    }
    return null;
  }

  /** The data size a VP context has on {@code platform}, given its first bytes; -1 if invalid. */
  static String vpContextRule(PlatformType platform, VpContext c) {
    Blob data = c.data();
    return switch (platform) {
      case TDX -> "VP_CONTEXT is not valid on TDX (the VP starts in the architectural reset state)";
      case SEV_SNP, SEV_ES ->
          !VariableHeader.pageAligned(c.gpa())
              ? "VP_CONTEXT VMSA gpa " + hex(c.gpa()) + " is not 4 KiB aligned"
              : data.length() != FormatRevision.PAGE_SIZE
                  ? "VP_CONTEXT VMSA is not 4096 bytes"
                  : null;
      case NATIVE, SEV, CCA -> {
        if (c.gpa() != 0) {
          yield "VP_CONTEXT gpa must be 0 on " + platform;
        }
        int used = platform == PlatformType.CCA ? 80 : 232;
        if (data.length() != FormatRevision.PAGE_SIZE
            || !data.slice(used, data.length() - used).isAllZero()) {
          yield "VP_CONTEXT on "
              + platform
              + " must be "
              + used
              + " bytes of context followed by zeros to 4096";
        }
        yield null;
      }
      case VSM_ISOLATION -> {
        if (c.gpa() != 0) {
          yield "VP_CONTEXT gpa must be 0 on VSM_ISOLATION";
        }
        if (c.vpIndex() != 0) {
          yield "VBS VP_CONTEXT vp_index must be 0 (the BSP)";
        }
        try {
          List<VbsRegister> registers = VbsRegister.decode(data);
          for (VbsRegister r : registers) {
            if (r.vtl() != registers.getFirst().vtl()) {
              yield "VBS VP_CONTEXT names more than one VTL";
            }
          }
        } catch (IllegalArgumentException e) {
          yield e.getMessage();
        }
        yield null;
      }
    };
  }

  static String hex(long value) {
    return VariableHeader.hex(value);
  }

  static String hex(int value) {
    return VariableHeader.hex(value & 0xFFFFFFFFL);
  }
}
