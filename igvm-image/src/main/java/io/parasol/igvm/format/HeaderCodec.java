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
import java.util.List;

/**
 * The byte layout of every variable header's content (the tables of the format reference §5–7), in
 * one place for the parser and the writer.
 */
final class HeaderCodec {
  private HeaderCodec() {}

  /** Where the file data of a header lives, as the parser resolves it. */
  interface DataSource {
    /**
     * {@code sizeBytes} of file data at {@code fileOffset}; the field is at {@code fieldOffset}.
     */
    Blob read(long fileOffset, long sizeBytes, String what) throws IgvmFormatException;

    /** A u32 of file data at {@code fileOffset} (a VBS context's register count). */
    long readU32(long fileOffset, String what) throws IgvmFormatException;

    /** The platform whose mask is exactly {@code mask}, or null. */
    PlatformType platformOf(int mask);

    /** Fails with {@code rule} at the byte {@code relativeOffset} into the header content. */
    IgvmFormatException error(int relativeOffset, String rule);
  }

  /** Where the writer put each blob. */
  interface DataOffsets {
    int offsetOf(Blob blob);
  }

  /** The file data a header refers to, in the order the writer appends it. */
  static List<Blob> blobs(VariableHeader h) {
    return switch (h) {
      case CorimDocument d -> List.of(d.document());
      case CorimSignature s -> List.of(s.signature());
      case ParameterArea a -> a.initialData().isEmpty() ? List.of() : List.of(a.initialData());
      case PageData p -> p.data().isEmpty() ? List.of() : List.of(p.data());
      case VpContext c -> List.of(c.data());
      default -> List.of();
    };
  }

  /** Content length (the entry's length field) of {@code h}. */
  static int contentBytes(VariableHeader h) {
    if (h instanceof OptionalHeader o) {
      return o.content().length();
    }
    return HeaderType.contentBytes(h.type());
  }

  static void encode(VariableHeader h, byte[] b, int at, DataOffsets data) {
    switch (h) {
      case SupportedPlatform p -> {
        Le.putInt(b, at, p.compatibilityMask());
        b[at + 4] = (byte) p.highestVtl();
        b[at + 5] = (byte) p.platformType().value();
        Le.putShort(b, at + 6, p.platformVersion());
        Le.putLong(b, at + 8, p.sharedGpaBoundary());
      }
      case GuestPolicy p -> {
        Le.putLong(b, at, p.policy());
        Le.putInt(b, at + 8, p.compatibilityMask());
      }
      case RelocatableRegion r -> {
        Le.putInt(b, at, r.compatibilityMask());
        Le.putShort(b, at + 4, r.vpIndex());
        b[at + 6] = (byte) r.vtl();
        b[at + 7] = (byte) r.flags();
        Le.putLong(b, at + 8, r.relocationAlignment());
        Le.putLong(b, at + 16, r.relocationRegionGpa());
        Le.putLong(b, at + 24, r.relocationRegionSize());
        Le.putLong(b, at + 32, r.minimumRelocationGpa());
        Le.putLong(b, at + 40, r.maximumRelocationGpa());
      }
      case PageTableRelocationRegion r -> {
        Le.putInt(b, at, r.compatibilityMask());
        Le.putShort(b, at + 4, r.vpIndex());
        b[at + 6] = (byte) r.vtl();
        Le.putLong(b, at + 8, r.gpa());
        Le.putLong(b, at + 16, r.size());
        Le.putLong(b, at + 24, r.usedSize());
      }
      case CorimDocument d ->
          corim(b, at, d.compatibilityMask(), data.offsetOf(d.document()), d.document());
      case CorimSignature s ->
          corim(b, at, s.compatibilityMask(), data.offsetOf(s.signature()), s.signature());
      case CcaPolicy c -> {
        Le.putInt(b, at, c.compatibilityMask());
        Le.putLong(b, at + 8, c.attributesRequiredZeroes());
        Le.putLong(b, at + 16, c.attributesRequiredOnes());
        b[at + 24] = (byte) c.hashAlgorithm();
        b[at + 25] = (byte) c.lfaPolicy();
      }
      case ParameterArea a -> {
        Le.putLong(b, at, a.numberOfBytes());
        Le.putInt(b, at + 8, a.parameterAreaIndex());
        Le.putInt(b, at + 12, a.initialData().isEmpty() ? 0 : data.offsetOf(a.initialData()));
      }
      case PageData p -> {
        Le.putLong(b, at, p.gpa());
        Le.putInt(b, at + 8, p.compatibilityMask());
        Le.putInt(b, at + 12, p.data().isEmpty() ? 0 : data.offsetOf(p.data()));
        Le.putInt(b, at + 16, p.flags());
        Le.putShort(b, at + 20, p.dataType().value());
      }
      case ParameterInsert p -> {
        Le.putLong(b, at, p.gpa());
        Le.putInt(b, at + 8, p.compatibilityMask());
        Le.putInt(b, at + 12, p.parameterAreaIndex());
      }
      case VpContext c -> {
        Le.putLong(b, at, c.gpa());
        Le.putInt(b, at + 8, c.compatibilityMask());
        Le.putInt(b, at + 12, data.offsetOf(c.data()));
        Le.putShort(b, at + 16, c.vpIndex());
      }
      case RequiredMemory r -> {
        Le.putLong(b, at, r.gpa());
        Le.putInt(b, at + 8, r.compatibilityMask());
        Le.putInt(b, at + 12, r.numberOfBytes());
        Le.putInt(b, at + 16, r.flags());
      }
      case Parameter p -> {
        Le.putInt(b, at, p.parameterAreaIndex());
        Le.putInt(b, at + 4, p.byteOffset());
      }
      case SnpIdBlock s -> {
        Le.putInt(b, at, s.compatibilityMask());
        b[at + 4] = (byte) (s.authorKeyEnabled() ? 1 : 0);
        s.ld().copyTo(b, at + 8);
        s.familyId().copyTo(b, at + 56);
        s.imageId().copyTo(b, at + 72);
        Le.putInt(b, at + 88, s.version());
        Le.putInt(b, at + 92, s.guestSvn());
        Le.putInt(b, at + 96, s.idKeyAlgorithm());
        Le.putInt(b, at + 100, s.authorKeyAlgorithm());
        s.idKeySignature().copyTo(b, at + 104);
        s.idPublicKey().copyTo(b, at + 248);
        s.authorKeySignature().copyTo(b, at + 400);
        s.authorPublicKey().copyTo(b, at + 544);
      }
      case ErrorRange r -> {
        Le.putLong(b, at, r.gpa());
        Le.putInt(b, at + 8, r.compatibilityMask());
        Le.putInt(b, at + 12, r.sizeBytes());
      }
      case VbsMeasurement m -> {
        Le.putInt(b, at, m.compatibilityMask());
        Le.putInt(b, at + 4, m.version());
        Le.putInt(b, at + 8, m.productId());
        Le.putInt(b, at + 12, m.moduleId());
        Le.putInt(b, at + 16, m.securityVersion());
        Le.putInt(b, at + 20, m.policyFlags());
        Le.putInt(b, at + 24, m.bootDigestAlgo());
        Le.putInt(b, at + 28, m.signingAlgo());
        m.bootMeasurementDigest().copyTo(b, at + 32);
        m.signature().copyTo(b, at + 96);
        m.publicKey().copyTo(b, at + 352);
      }
      case OptionalHeader o -> o.content().copyTo(b, at);
    }
  }

  private static void corim(byte[] b, int at, int mask, int offset, Blob blob) {
    Le.putInt(b, at, mask);
    Le.putInt(b, at + 4, offset);
    Le.putInt(b, at + 8, blob.length());
  }

  /**
   * Decodes the content of a known header type at {@code b[at, at + length)}; checks its reserved
   * fields and file data references. Field rules are checked by the record constructors.
   */
  static VariableHeader decode(int type, byte[] b, int at, DataSource data)
      throws IgvmFormatException {
    return switch (type) {
      case HeaderType.SUPPORTED_PLATFORM -> {
        int platform = b[at + 5] & 0xFF;
        PlatformType platformType =
            PlatformType.fromValue(platform)
                .orElseThrow(() -> data.error(5, "unknown platform_type " + platform));
        yield new SupportedPlatform(
            Le.getInt(b, at),
            b[at + 4] & 0xFF,
            platformType,
            Le.getShort(b, at + 6),
            Le.getLong(b, at + 8));
      }
      case HeaderType.GUEST_POLICY -> {
        reserved(b, at, 12, 4, data);
        yield new GuestPolicy(Le.getLong(b, at), Le.getInt(b, at + 8));
      }
      case HeaderType.RELOCATABLE_REGION ->
          new RelocatableRegion(
              Le.getInt(b, at),
              Le.getShort(b, at + 4),
              b[at + 6] & 0xFF,
              b[at + 7] & 0xFF,
              Le.getLong(b, at + 8),
              Le.getLong(b, at + 16),
              Le.getLong(b, at + 24),
              Le.getLong(b, at + 32),
              Le.getLong(b, at + 40));
      case HeaderType.PAGE_TABLE_RELOCATION_REGION -> {
        reserved(b, at, 7, 1, data);
        yield new PageTableRelocationRegion(
            Le.getInt(b, at),
            Le.getShort(b, at + 4),
            b[at + 6] & 0xFF,
            Le.getLong(b, at + 8),
            Le.getLong(b, at + 16),
            Le.getLong(b, at + 24));
      }
      case HeaderType.CORIM_DOCUMENT, HeaderType.CORIM_SIGNATURE -> {
        reserved(b, at, 12, 4, data);
        long offset = Le.getInt(b, at + 4) & 0xFFFFFFFFL;
        long size = Le.getInt(b, at + 8) & 0xFFFFFFFFL;
        if (size == 0) {
          throw data.error(8, HeaderType.name(type) + " size_bytes is 0");
        }
        Blob blob = data.read(offset, size, HeaderType.name(type));
        yield type == HeaderType.CORIM_DOCUMENT
            ? new CorimDocument(Le.getInt(b, at), blob)
            : new CorimSignature(Le.getInt(b, at), blob);
      }
      case HeaderType.CCA_POLICY -> {
        reserved(b, at, 4, 4, data);
        reserved(b, at, 26, 6, data);
        yield new CcaPolicy(
            Le.getInt(b, at),
            Le.getLong(b, at + 8),
            Le.getLong(b, at + 16),
            b[at + 24] & 0xFF,
            b[at + 25] & 0xFF);
      }
      case HeaderType.PARAMETER_AREA -> {
        long bytes = Le.getLong(b, at);
        long offset = Le.getInt(b, at + 12) & 0xFFFFFFFFL;
        if (bytes <= 0 || bytes % FormatRevision.PAGE_SIZE != 0 || bytes > Integer.MAX_VALUE) {
          throw data.error(
              0,
              "PARAMETER_AREA number_of_bytes "
                  + VariableHeader.hex(bytes)
                  + " is not a non-zero multiple of 4 KiB below 2 GiB");
        }
        Blob initial =
            offset == 0 ? Blob.empty() : data.read(offset, bytes, "PARAMETER_AREA initial data");
        yield new ParameterArea(bytes, Le.getInt(b, at + 8), initial);
      }
      case HeaderType.PAGE_DATA -> {
        reserved(b, at, 22, 2, data);
        int dataType = Le.getShort(b, at + 20);
        PageDataType pageType =
            PageDataType.fromValue(dataType)
                .orElseThrow(
                    () -> data.error(20, "PAGE_DATA data_type " + dataType + " is not 0–3"));
        int flags = Le.getInt(b, at + 16);
        if ((flags & PageData.FLAG_IS_2MB_PAGE) != 0) {
          throw data.error(16, "PAGE_DATA IS_2MB_PAGE is not supported");
        }
        long offset = Le.getInt(b, at + 12) & 0xFFFFFFFFL;
        Blob page =
            offset == 0
                ? Blob.empty()
                : data.read(offset, FormatRevision.PAGE_SIZE, "PAGE_DATA contents");
        yield new PageData(Le.getLong(b, at), Le.getInt(b, at + 8), flags, pageType, page);
      }
      case HeaderType.PARAMETER_INSERT ->
          new ParameterInsert(Le.getLong(b, at), Le.getInt(b, at + 8), Le.getInt(b, at + 12));
      case HeaderType.VP_CONTEXT -> {
        reserved(b, at, 18, 2, data);
        int mask = Le.getInt(b, at + 8);
        PlatformType platform = data.platformOf(mask);
        if (platform == null) {
          throw data.error(
              8,
              "VP_CONTEXT compatibility_mask "
                  + VariableHeader.hex(mask & 0xFFFFFFFFL)
                  + " does not name exactly one declared platform");
        }
        long offset = Le.getInt(b, at + 12) & 0xFFFFFFFFL;
        if (offset == 0) {
          throw data.error(12, "VP_CONTEXT file_offset is 0 (no context data)");
        }
        long size =
            switch (platform) {
              case TDX ->
                  throw data.error(
                      8,
                      "VP_CONTEXT is not valid on TDX (the VP starts in the architectural reset state)");
              case VSM_ISOLATION ->
                  4
                      + VbsRegister.RECORD_BYTES
                          * data.readU32(offset, "VBS VP context register count");
              default -> FormatRevision.PAGE_SIZE;
            };
        Blob context = data.read(offset, size, "VP_CONTEXT data");
        yield new VpContext(Le.getLong(b, at), mask, Le.getShort(b, at + 16), context);
      }
      case HeaderType.REQUIRED_MEMORY -> {
        reserved(b, at, 20, 4, data);
        yield new RequiredMemory(
            Le.getLong(b, at), Le.getInt(b, at + 8), Le.getInt(b, at + 12), Le.getInt(b, at + 16));
      }
      case HeaderType.SNP_ID_BLOCK -> {
        reserved(b, at, 5, 3, data);
        int enabled = b[at + 4] & 0xFF;
        if (enabled > 1) {
          throw data.error(4, "SNP_ID_BLOCK author_key_enabled " + enabled + " is not 0 or 1");
        }
        yield new SnpIdBlock(
            Le.getInt(b, at),
            enabled == 1,
            Blob.view(b, at + 8, 48),
            Blob.view(b, at + 56, 16),
            Blob.view(b, at + 72, 16),
            Le.getInt(b, at + 88),
            Le.getInt(b, at + 92),
            Le.getInt(b, at + 96),
            Le.getInt(b, at + 100),
            Blob.view(b, at + 104, 144),
            Blob.view(b, at + 248, 152),
            Blob.view(b, at + 400, 144),
            Blob.view(b, at + 544, 152));
      }
      case HeaderType.ERROR_RANGE ->
          new ErrorRange(Le.getLong(b, at), Le.getInt(b, at + 8), Le.getInt(b, at + 12));
      case HeaderType.VBS_MEASUREMENT ->
          new VbsMeasurement(
              Le.getInt(b, at),
              Le.getInt(b, at + 4),
              Le.getInt(b, at + 8),
              Le.getInt(b, at + 12),
              Le.getInt(b, at + 16),
              Le.getInt(b, at + 20),
              Le.getInt(b, at + 24),
              Le.getInt(b, at + 28),
              Blob.view(b, at + 32, 64),
              Blob.view(b, at + 96, 256),
              Blob.view(b, at + 352, 512));
      default -> {
        ParameterKind kind =
            ParameterKind.fromType(type)
                .orElseThrow(() -> new IllegalStateException("not a known type"));
        yield new Parameter(kind, Le.getInt(b, at), Le.getInt(b, at + 4));
      }
    };
  }

  private static void reserved(byte[] b, int at, int from, int count, DataSource data)
      throws IgvmFormatException {
    for (int i = from; i < from + count; i++) {
      if (b[at + i] != 0) {
        throw data.error(i, "reserved byte is not zero");
      }
    }
  }
}
