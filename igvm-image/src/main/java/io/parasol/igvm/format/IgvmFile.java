package io.parasol.igvm.format;

import io.parasol.igvm.format.PlatformHeader.SupportedPlatform;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An IGVM file as a value: its format revision and its three groups of variable headers, in file
 * order, with the file data each header refers to held by the header. Construction checks every
 * rule between headers; {@link IgvmParser} reads one, {@link IgvmWriter} writes one.
 */
public record IgvmFile(
    FormatRevision revision,
    List<PlatformHeader> platforms,
    List<InitializationHeader> initializations,
    List<DirectiveHeader> directives) {

  public IgvmFile {
    Objects.requireNonNull(revision, "revision");
    platforms = List.copyOf(platforms);
    initializations = List.copyOf(initializations);
    directives = List.copyOf(directives);
    checkGroups(platforms, HeaderType.Group.PLATFORM);
    checkGroups(initializations, HeaderType.Group.INITIALIZATION);
    checkGroups(directives, HeaderType.Group.DIRECTIVE);
    HeaderRules.Violation v = HeaderRules.check(revision, platforms, initializations, directives);
    if (v != null) {
      throw new IllegalArgumentException(v.rule() + " (header " + v.headerIndex() + ")");
    }
  }

  private static void checkGroups(List<? extends VariableHeader> headers, HeaderType.Group group) {
    for (VariableHeader h : headers) {
      if (h.group() != group) {
        throw new IllegalArgumentException(
            HeaderType.name(h.type()) + " is not a " + group + " header");
      }
    }
  }

  /** The declared platforms, in file order (optional headers left out). */
  public List<SupportedPlatform> supportedPlatforms() {
    List<SupportedPlatform> list = new ArrayList<>();
    for (PlatformHeader h : platforms) {
      if (h instanceof SupportedPlatform p) {
        list.add(p);
      }
    }
    return list;
  }

  /** The declared platform of {@code type}, if any. */
  public Optional<SupportedPlatform> platform(PlatformType type) {
    return supportedPlatforms().stream().filter(p -> p.platformType() == type).findFirst();
  }

  /** Every header in file order. */
  public List<VariableHeader> headers() {
    List<VariableHeader> all = new ArrayList<>(platforms);
    all.addAll(initializations);
    all.addAll(directives);
    return all;
  }

  /** The GUEST_POLICY of the platform with mask bit {@code platformBit}, if there is one. */
  public Optional<InitializationHeader.GuestPolicy> guestPolicy(int platformBit) {
    for (InitializationHeader h : initializations) {
      if (h instanceof InitializationHeader.GuestPolicy p
          && (p.compatibilityMask() & platformBit) != 0) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The directives that apply to the platform with mask bit {@code platformBit}, in order. */
  public List<DirectiveHeader> directivesFor(int platformBit) {
    List<DirectiveHeader> list = new ArrayList<>();
    for (DirectiveHeader d : directives) {
      if (!(d instanceof VariableHeader.OptionalHeader) && d.appliesTo(platformBit)) {
        list.add(d);
      }
    }
    return list;
  }

  /** A copy with the directives replaced. */
  public IgvmFile withDirectives(List<DirectiveHeader> newDirectives) {
    return new IgvmFile(revision, platforms, initializations, newDirectives);
  }
}
