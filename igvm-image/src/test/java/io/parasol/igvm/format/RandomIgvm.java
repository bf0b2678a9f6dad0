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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Random valid IGVM files: every header type, valid by construction, from a seed. */
public final class RandomIgvm {
  private final Random random;

  public RandomIgvm(long seed) {
    this.random = new Random(seed);
  }

  public IgvmFile next() {
    FormatRevision revision =
        switch (random.nextInt(4)) {
          case 0 -> FormatRevision.v2(Architecture.X64);
          case 1 -> FormatRevision.v2(Architecture.AARCH64);
          default -> FormatRevision.V1;
        };
    List<PlatformType> types = new ArrayList<>();
    for (PlatformType t : PlatformType.values()) {
      if (t.runsOn(revision.architecture())) {
        types.add(t);
      }
    }
    Collections.shuffle(types, random);
    types = types.subList(0, 1 + random.nextInt(types.size()));
    List<PlatformHeader> platforms = new ArrayList<>();
    List<Integer> bits = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      bits.add(1 << i);
    }
    Collections.shuffle(bits, random);
    int all = 0;
    for (int i = 0; i < types.size(); i++) {
      PlatformType t = types.get(i);
      int vtl = t.hasVtls() && random.nextBoolean() ? 2 : 0;
      long boundary =
          t == PlatformType.NATIVE || t == PlatformType.VSM_ISOLATION || random.nextBoolean()
              ? 0
              : 1L << (30 + random.nextInt(16));
      platforms.add(new SupportedPlatform(bits.get(i), vtl, t, 1, boundary));
      all |= bits.get(i);
      if (random.nextInt(6) == 0) {
        platforms.add(optional(0x0F0));
      }
    }
    List<DirectiveHeader> directives = new ArrayList<>();
    List<Integer> areas = new ArrayList<>();
    int nextArea = random.nextInt(4);
    int vpContextPlatforms = 0;
    int count = random.nextInt(24);
    for (int i = 0; i < count; i++) {
      int mask = subMask(all);
      switch (random.nextInt(10)) {
        case 0, 1, 2 ->
            directives.add(
                new PageData(
                    page(),
                    mask,
                    random.nextInt(4) == 0
                        ? PageData.FLAG_UNMEASURED
                        : random.nextInt(8) == 0 ? PageData.FLAG_SHARED : 0,
                    PageDataType.values()[random.nextInt(4) == 0 ? random.nextInt(4) : 0],
                    random.nextBoolean() ? Blob.empty() : bytes(1 + random.nextInt(4096))));
        case 3 -> {
          int index = nextArea++;
          directives.add(
              new ParameterArea(
                  4096L * (1 + random.nextInt(3)),
                  index,
                  random.nextBoolean() ? Blob.empty() : bytes(random.nextInt(100))));
          areas.add(index);
        }
        case 4 -> {
          if (!areas.isEmpty()) {
            int index = areas.get(random.nextInt(areas.size()));
            if (random.nextInt(3) == 0) {
              directives.add(new ParameterInsert(page(), mask, index));
              areas.remove((Integer) index);
            } else {
              ParameterKind kind =
                  ParameterKind.values()[random.nextInt(ParameterKind.values().length)];
              directives.add(new Parameter(kind, index, random.nextInt(4096)));
            }
          }
        }
        case 5 ->
            directives.add(
                new RequiredMemory(page(), mask, 4096 * random.nextInt(64), random.nextInt(2)));
        case 6 -> directives.add(new ErrorRange(page(), mask, random.nextInt(10000)));
        case 7 -> directives.add(optional(0x3F0));
        default -> {
          for (SupportedPlatform p : supported(platforms)) {
            if ((vpContextPlatforms & p.compatibilityMask()) == 0 && random.nextBoolean()) {
              VpContext c = vpContext(p);
              if (c != null) {
                directives.add(c);
                vpContextPlatforms |= p.compatibilityMask();
              }
            }
          }
        }
      }
    }
    for (SupportedPlatform p : supported(platforms)) {
      if (p.platformType() == PlatformType.SEV_SNP && random.nextBoolean()) {
        directives.add(idBlock(p.compatibilityMask()));
      }
      if (p.platformType() == PlatformType.VSM_ISOLATION && random.nextBoolean()) {
        directives.add(
            new VbsMeasurement(
                p.compatibilityMask(),
                1,
                random.nextInt(),
                2,
                3,
                0,
                1,
                1,
                bytes(64),
                bytes(256),
                bytes(512)));
      }
    }
    List<InitializationHeader> inits = new ArrayList<>();
    int regionBase = 0x1000_0000;
    for (SupportedPlatform p : supported(platforms)) {
      int bit = p.compatibilityMask();
      if (random.nextBoolean()) {
        inits.add(new GuestPolicy(random.nextLong(), bit));
      }
      if (random.nextInt(4) == 0) {
        inits.add(new CorimDocument(bit, bytes(1 + random.nextInt(200))));
        if (random.nextBoolean()) {
          inits.add(new CorimSignature(bit, bytes(1 + random.nextInt(100))));
        }
      }
      if (p.platformType() == PlatformType.CCA && random.nextBoolean()) {
        inits.add(new CcaPolicy(bit, 1, 2, random.nextInt(3), random.nextInt(2)));
      }
      if ((vpContextPlatforms & bit) != 0 && random.nextBoolean()) {
        VpContext c =
            directives.stream()
                .filter(d -> d instanceof VpContext v && v.compatibilityMask() == bit)
                .map(d -> (VpContext) d)
                .findFirst()
                .orElseThrow();
        inits.add(
            new RelocatableRegion(
                bit,
                c.vpIndex(),
                0,
                random.nextInt(8),
                0x20_0000,
                regionBase,
                0x20_0000,
                0,
                0x4000_0000));
        inits.add(
            new PageTableRelocationRegion(
                bit, c.vpIndex(), 0, regionBase + 0x100_0000, 0x4000, 0x2000));
        regionBase += 0x200_0000;
      }
      if (random.nextInt(5) == 0) {
        inits.add(optional(0x1F0));
      }
    }
    return new IgvmFile(revision, platforms, inits, directives);
  }

  private static List<SupportedPlatform> supported(List<PlatformHeader> platforms) {
    List<SupportedPlatform> list = new ArrayList<>();
    for (PlatformHeader h : platforms) {
      if (h instanceof SupportedPlatform p) {
        list.add(p);
      }
    }
    return list;
  }

  private VpContext vpContext(SupportedPlatform p) {
    int bit = p.compatibilityMask();
    return switch (p.platformType()) {
      case TDX -> null;
      case SEV_SNP, SEV_ES -> new VpContext(page(), bit, random.nextInt(4), bytes(4096));
      case NATIVE, SEV -> new VpContext(0, bit, random.nextInt(4), bytes(232).paddedTo(4096));
      case CCA -> new VpContext(0, bit, random.nextInt(4), bytes(80).paddedTo(4096));
      case VSM_ISOLATION -> {
        List<VbsRegister> registers = new ArrayList<>();
        int vtl = random.nextBoolean() ? 0 : 2;
        for (int i = random.nextInt(10); i > 0; i--) {
          registers.add(new VbsRegister(vtl, random.nextInt(), bytes(16)));
        }
        yield new VpContext(0, bit, 0, VbsRegister.encode(registers));
      }
    };
  }

  private SnpIdBlock idBlock(int bit) {
    boolean author = random.nextBoolean();
    return new SnpIdBlock(
        bit,
        author,
        bytes(48),
        bytes(16),
        bytes(16),
        1,
        random.nextInt(),
        1,
        author ? 1 : 0,
        bytes(144),
        bytes(152),
        author ? bytes(144) : Blob.zeros(144),
        author ? bytes(152) : Blob.zeros(152));
  }

  private VariableHeader.OptionalHeader optional(int base) {
    return new VariableHeader.OptionalHeader(
        HeaderType.OPTIONAL_BIT | (base + random.nextInt(16)), bytes(random.nextInt(40)));
  }

  private int subMask(int all) {
    int mask = 0;
    while (mask == 0) {
      mask = all & random.nextInt();
    }
    return mask;
  }

  private long page() {
    return ((random.nextLong() & 0xF_FFFF_FFFFL) >>> random.nextInt(20)) << 12;
  }

  private Blob bytes(int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    if (random.nextInt(8) == 0) {
      java.util.Arrays.fill(b, (byte) 0); // zeros are data too
    }
    return Blob.of(b);
  }
}
