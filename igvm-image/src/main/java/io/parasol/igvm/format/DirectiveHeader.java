package io.parasol.igvm.format;

import static io.parasol.igvm.format.VariableHeader.hex;
import static io.parasol.igvm.format.VariableHeader.pageAligned;
import static io.parasol.igvm.format.VariableHeader.require;

import java.util.Objects;

/**
 * The directive group: what the loader places in guest memory and in which order (the order is the
 * order of the launch measurement).
 */
public sealed interface DirectiveHeader extends VariableHeader
    permits DirectiveHeader.ParameterArea,
        DirectiveHeader.PageData,
        DirectiveHeader.ParameterInsert,
        DirectiveHeader.VpContext,
        DirectiveHeader.RequiredMemory,
        DirectiveHeader.Parameter,
        DirectiveHeader.SnpIdBlock,
        DirectiveHeader.ErrorRange,
        DirectiveHeader.VbsMeasurement,
        VariableHeader.OptionalHeader {

  int PAGE_SIZE = FormatRevision.PAGE_SIZE;

  /**
   * PARAMETER_AREA (0x301): declares parameter area {@code parameterAreaIndex}.
   *
   * @param numberOfBytes a non-zero multiple of 4 KiB
   * @param initialData empty (the area starts as zeros) or the initial contents, zero-padded here
   *     to {@code numberOfBytes}
   */
  record ParameterArea(long numberOfBytes, int parameterAreaIndex, Blob initialData)
      implements DirectiveHeader {
    public ParameterArea {
      Objects.requireNonNull(initialData, "initialData");
      require(
          numberOfBytes > 0 && numberOfBytes % PAGE_SIZE == 0 && numberOfBytes <= Integer.MAX_VALUE,
          () ->
              "PARAMETER_AREA number_of_bytes "
                  + hex(numberOfBytes)
                  + " is not a non-zero multiple of 4 KiB below 2 GiB");
      require(
          initialData.length() <= numberOfBytes,
          () -> "PARAMETER_AREA initial data is larger than number_of_bytes");
      if (!initialData.isEmpty()) {
        initialData = initialData.paddedTo((int) numberOfBytes);
      }
    }

    @Override
    public int type() {
      return HeaderType.PARAMETER_AREA;
    }

    /** Number of 4 KiB pages. */
    public long pageCount() {
      return numberOfBytes / PAGE_SIZE;
    }
  }

  /**
   * PAGE_DATA (0x302): one 4 KiB page.
   *
   * @param flags {@link #FLAG_UNMEASURED}, {@link #FLAG_SHARED} (2 MB pages are not supported)
   * @param data empty (a page of zeros, file_offset 0) or the contents, zero-padded here to 4 KiB
   */
  record PageData(long gpa, int compatibilityMask, int flags, PageDataType dataType, Blob data)
      implements DirectiveHeader {
    /** IS_2MB_PAGE: rejected, as by the reference crate (it reads 4 KiB only). */
    public static final int FLAG_IS_2MB_PAGE = 0x1;

    /** Imported, but excluded from the measurement. */
    public static final int FLAG_UNMEASURED = 0x2;

    /** Imported host-visible: contents preserved, not measured. */
    public static final int FLAG_SHARED = 0x4;

    public PageData {
      Objects.requireNonNull(dataType, "dataType");
      Objects.requireNonNull(data, "data");
      require(compatibilityMask != 0, () -> "PAGE_DATA compatibility_mask is 0");
      require((flags & FLAG_IS_2MB_PAGE) == 0, () -> "PAGE_DATA IS_2MB_PAGE is not supported");
      require(
          (flags & ~0x7) == 0, () -> "PAGE_DATA flags " + hex(flags) + " has reserved bits set");
      require(pageAligned(gpa), () -> "PAGE_DATA gpa " + hex(gpa) + " is not 4 KiB aligned");
      require(data.length() <= PAGE_SIZE, () -> "PAGE_DATA data is larger than 4 KiB");
      if (!data.isEmpty()) {
        data = data.paddedTo(PAGE_SIZE);
      }
    }

    /** A normal, measured page. */
    public static PageData normal(long gpa, int compatibilityMask, Blob data) {
      return new PageData(gpa, compatibilityMask, 0, PageDataType.NORMAL, data);
    }

    public boolean unmeasured() {
      return (flags & FLAG_UNMEASURED) != 0;
    }

    public boolean shared() {
      return (flags & FLAG_SHARED) != 0;
    }

    @Override
    public int type() {
      return HeaderType.PAGE_DATA;
    }
  }

  /** PARAMETER_INSERT (0x303): places a parameter area at {@code gpa} (unmeasured pages). */
  record ParameterInsert(long gpa, int compatibilityMask, int parameterAreaIndex)
      implements DirectiveHeader {
    public ParameterInsert {
      require(compatibilityMask != 0, () -> "PARAMETER_INSERT compatibility_mask is 0");
      require(pageAligned(gpa), () -> "PARAMETER_INSERT gpa " + hex(gpa) + " is not 4 KiB aligned");
    }

    @Override
    public int type() {
      return HeaderType.PARAMETER_INSERT;
    }
  }

  /**
   * VP_CONTEXT (0x304): the initial state of one VP on one platform. The data's layout depends on
   * the platform: a VMSA page (SEV-SNP, SEV-ES), a register list (VBS), a native context page
   * (NATIVE, SEV); see {@link VpContextData}.
   *
   * @param gpa where the VMSA goes (SNP/SEV-ES); 0 for other platforms
   * @param compatibilityMask exactly one platform bit
   */
  record VpContext(long gpa, int compatibilityMask, int vpIndex, Blob data)
      implements DirectiveHeader {
    public VpContext {
      Objects.requireNonNull(data, "data");
      require(
          Integer.bitCount(compatibilityMask) == 1,
          () ->
              "VP_CONTEXT compatibility_mask "
                  + hex(compatibilityMask & 0xFFFFFFFFL)
                  + " does not name exactly one platform");
      require(vpIndex >= 0 && vpIndex <= 0xFFFF, () -> "VP_CONTEXT vp_index out of range");
      require(!data.isEmpty(), () -> "VP_CONTEXT has no context data");
    }

    @Override
    public int type() {
      return HeaderType.VP_CONTEXT;
    }
  }

  /** REQUIRED_MEMORY (0x305): memory the guest needs to exist (not itself measured). */
  record RequiredMemory(long gpa, int compatibilityMask, int numberOfBytes, int flags)
      implements DirectiveHeader {
    /** The memory may be protected by VTL2. */
    public static final int FLAG_VTL2_PROTECTABLE = 0x1;

    public RequiredMemory {
      require(compatibilityMask != 0, () -> "REQUIRED_MEMORY compatibility_mask is 0");
      require(pageAligned(gpa), () -> "REQUIRED_MEMORY gpa " + hex(gpa) + " is not 4 KiB aligned");
      require(
          Integer.remainderUnsigned(numberOfBytes, PAGE_SIZE) == 0,
          () ->
              "REQUIRED_MEMORY number_of_bytes "
                  + hex(numberOfBytes & 0xFFFFFFFFL)
                  + " is not a multiple of 4 KiB");
      require(
          (flags & ~FLAG_VTL2_PROTECTABLE) == 0,
          () -> "REQUIRED_MEMORY flags has reserved bits set");
    }

    @Override
    public int type() {
      return HeaderType.REQUIRED_MEMORY;
    }
  }

  /**
   * One of the IGVM_VHS_PARAMETER directives: the loader writes {@code kind}'s data into parameter
   * area {@code parameterAreaIndex} at {@code byteOffset}. No mask: it applies to every platform.
   */
  record Parameter(ParameterKind kind, int parameterAreaIndex, int byteOffset)
      implements DirectiveHeader {
    public Parameter {
      Objects.requireNonNull(kind, "kind");
    }

    @Override
    public int type() {
      return kind.type();
    }
  }

  /**
   * SNP_ID_BLOCK (0x30B): the ID block and ID authentication information the loader passes to
   * SNP_LAUNCH_FINISH. Signatures and keys are in AMD's little-endian, zero-padded layout.
   */
  record SnpIdBlock(
      int compatibilityMask,
      boolean authorKeyEnabled,
      Blob ld,
      Blob familyId,
      Blob imageId,
      int version,
      int guestSvn,
      int idKeyAlgorithm,
      int authorKeyAlgorithm,
      Blob idKeySignature,
      Blob idPublicKey,
      Blob authorKeySignature,
      Blob authorPublicKey)
      implements DirectiveHeader {
    public static final int LD_BYTES = 48;
    public static final int ID_BYTES = 16;
    public static final int SIGNATURE_BYTES = 144;
    public static final int PUBLIC_KEY_BYTES = 152;

    public SnpIdBlock {
      require(compatibilityMask != 0, () -> "SNP_ID_BLOCK compatibility_mask is 0");
      require(ld.length() == LD_BYTES, () -> "SNP_ID_BLOCK ld is not 48 bytes");
      require(familyId.length() == ID_BYTES, () -> "SNP_ID_BLOCK family_id is not 16 bytes");
      require(imageId.length() == ID_BYTES, () -> "SNP_ID_BLOCK image_id is not 16 bytes");
      require(
          idKeySignature.length() == SIGNATURE_BYTES
              && authorKeySignature.length() == SIGNATURE_BYTES,
          () -> "SNP_ID_BLOCK signatures are not 144 bytes");
      require(
          idPublicKey.length() == PUBLIC_KEY_BYTES && authorPublicKey.length() == PUBLIC_KEY_BYTES,
          () -> "SNP_ID_BLOCK public keys are not 152 bytes");
      require(
          authorKeyEnabled
              || (authorKeyAlgorithm == 0
                  && authorKeySignature.isAllZero()
                  && authorPublicKey.isAllZero()),
          () -> "SNP_ID_BLOCK author key fields are set but author_key_enabled is 0");
    }

    @Override
    public int type() {
      return HeaderType.SNP_ID_BLOCK;
    }
  }

  /** ERROR_RANGE (0x30D): host-visible pages for guest-to-host error reports. */
  record ErrorRange(long gpa, int compatibilityMask, int sizeBytes) implements DirectiveHeader {
    public ErrorRange {
      require(compatibilityMask != 0, () -> "ERROR_RANGE compatibility_mask is 0");
      require(pageAligned(gpa), () -> "ERROR_RANGE gpa " + hex(gpa) + " is not 4 KiB aligned");
    }

    @Override
    public int type() {
      return HeaderType.ERROR_RANGE;
    }
  }

  /** VBS_MEASUREMENT (0x311): the signed VBS boot measurement. */
  record VbsMeasurement(
      int compatibilityMask,
      int version,
      int productId,
      int moduleId,
      int securityVersion,
      int policyFlags,
      int bootDigestAlgo,
      int signingAlgo,
      Blob bootMeasurementDigest,
      Blob signature,
      Blob publicKey)
      implements DirectiveHeader {
    public VbsMeasurement {
      require(compatibilityMask != 0, () -> "VBS_MEASUREMENT compatibility_mask is 0");
      require(bootMeasurementDigest.length() == 64, () -> "VBS_MEASUREMENT digest is not 64 bytes");
      require(signature.length() == 256, () -> "VBS_MEASUREMENT signature is not 256 bytes");
      require(publicKey.length() == 512, () -> "VBS_MEASUREMENT public_key is not 512 bytes");
    }

    @Override
    public int type() {
      return HeaderType.VBS_MEASUREMENT;
    }
  }
}
