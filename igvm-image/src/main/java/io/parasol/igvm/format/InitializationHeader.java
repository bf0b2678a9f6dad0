package io.parasol.igvm.format;

import static io.parasol.igvm.format.VariableHeader.hex;
import static io.parasol.igvm.format.VariableHeader.pageAligned;
import static io.parasol.igvm.format.VariableHeader.require;

import java.util.Objects;

/** The initialization group: policies, relocation regions and CoRIM documents. */
public sealed interface InitializationHeader extends VariableHeader
    permits InitializationHeader.GuestPolicy,
        InitializationHeader.RelocatableRegion,
        InitializationHeader.PageTableRelocationRegion,
        InitializationHeader.CorimDocument,
        InitializationHeader.CorimSignature,
        InitializationHeader.CcaPolicy,
        VariableHeader.OptionalHeader {

  /**
   * GUEST_POLICY (0x101): the platform-specific launch policy (SNP guest policy, TDX attributes).
   */
  record GuestPolicy(long policy, int compatibilityMask) implements InitializationHeader {
    public GuestPolicy {
      require(compatibilityMask != 0, () -> "GUEST_POLICY compatibility_mask is 0");
    }

    @Override
    public int type() {
      return HeaderType.GUEST_POLICY;
    }
  }

  /** RELOCATABLE_REGION (0x102): a region the loader may move, with every directive inside it. */
  record RelocatableRegion(
      int compatibilityMask,
      int vpIndex,
      int vtl,
      int flags,
      long relocationAlignment,
      long relocationRegionGpa,
      long relocationRegionSize,
      long minimumRelocationGpa,
      long maximumRelocationGpa)
      implements InitializationHeader {
    /** The region is VTL2 memory. */
    public static final int FLAG_IS_VTL2 = 0x1;

    /** Adjust the start RIP/PC by the relocation offset. */
    public static final int FLAG_APPLY_RIP = 0x2;

    /** Adjust the GDTR (x64). */
    public static final int FLAG_APPLY_GDTR = 0x4;

    public RelocatableRegion {
      require(compatibilityMask != 0, () -> "RELOCATABLE_REGION compatibility_mask is 0");
      require(vpIndex >= 0 && vpIndex <= 0xFFFF, () -> "RELOCATABLE_REGION vp_index out of range");
      require(vtl >= 0 && vtl <= 0xFF, () -> "RELOCATABLE_REGION vtl out of range");
      require(
          (flags & ~0x7) == 0,
          () -> "RELOCATABLE_REGION flags " + hex(flags) + " has reserved bits");
      require(
          relocationAlignment > 0 && relocationAlignment % FormatRevision.PAGE_SIZE == 0,
          () ->
              "RELOCATABLE_REGION relocation_alignment "
                  + hex(relocationAlignment)
                  + " is not a non-zero multiple of 4 KiB");
      require(
          Long.remainderUnsigned(relocationRegionGpa, relocationAlignment) == 0
              && Long.remainderUnsigned(minimumRelocationGpa, relocationAlignment) == 0
              && Long.remainderUnsigned(maximumRelocationGpa, relocationAlignment) == 0,
          () -> "RELOCATABLE_REGION GPAs are not aligned to relocation_alignment");
      require(
          relocationRegionSize > 0 && relocationRegionSize % FormatRevision.PAGE_SIZE == 0,
          () -> "RELOCATABLE_REGION relocation_region_size is not a non-zero multiple of 4 KiB");
      require(
          Long.compareUnsigned(minimumRelocationGpa, maximumRelocationGpa) <= 0,
          () -> "RELOCATABLE_REGION minimum_relocation_gpa is above maximum_relocation_gpa");
    }

    @Override
    public int type() {
      return HeaderType.RELOCATABLE_REGION;
    }
  }

  /** PAGE_TABLE_RELOCATION_REGION (0x103): where identity-mapped page tables may be rebuilt. */
  record PageTableRelocationRegion(
      int compatibilityMask, int vpIndex, int vtl, long gpa, long size, long usedSize)
      implements InitializationHeader {
    public PageTableRelocationRegion {
      require(compatibilityMask != 0, () -> "PAGE_TABLE_RELOCATION_REGION compatibility_mask is 0");
      require(
          vpIndex >= 0 && vpIndex <= 0xFFFF,
          () -> "PAGE_TABLE_RELOCATION_REGION vp_index out of range");
      require(vtl >= 0 && vtl <= 0xFF, () -> "PAGE_TABLE_RELOCATION_REGION vtl out of range");
      require(
          pageAligned(gpa),
          () -> "PAGE_TABLE_RELOCATION_REGION gpa " + hex(gpa) + " is not 4 KiB aligned");
      require(
          size % FormatRevision.PAGE_SIZE == 0 && usedSize % FormatRevision.PAGE_SIZE == 0,
          () -> "PAGE_TABLE_RELOCATION_REGION size and used_size must be multiples of 4 KiB");
      require(
          Long.compareUnsigned(usedSize, size) <= 0,
          () -> "PAGE_TABLE_RELOCATION_REGION used_size is larger than size");
    }

    @Override
    public int type() {
      return HeaderType.PAGE_TABLE_RELOCATION_REGION;
    }
  }

  /** CORIM_DOCUMENT (0x104): a CBOR tagged-unsigned-corim-map in the file data. */
  record CorimDocument(int compatibilityMask, Blob document) implements InitializationHeader {
    public CorimDocument {
      Objects.requireNonNull(document, "document");
      require(compatibilityMask != 0, () -> "CORIM_DOCUMENT compatibility_mask is 0");
      require(!document.isEmpty(), () -> "CORIM_DOCUMENT size_bytes is 0");
    }

    @Override
    public int type() {
      return HeaderType.CORIM_DOCUMENT;
    }
  }

  /** CORIM_SIGNATURE (0x105): a COSE_Sign1 over the platform's CoRIM document. */
  record CorimSignature(int compatibilityMask, Blob signature) implements InitializationHeader {
    public CorimSignature {
      Objects.requireNonNull(signature, "signature");
      require(compatibilityMask != 0, () -> "CORIM_SIGNATURE compatibility_mask is 0");
      require(!signature.isEmpty(), () -> "CORIM_SIGNATURE size_bytes is 0");
    }

    @Override
    public int type() {
      return HeaderType.CORIM_SIGNATURE;
    }
  }

  /** CCA_POLICY (0x106, AArch64): realm attribute constraints, hash algorithm, LFA policy. */
  record CcaPolicy(
      int compatibilityMask,
      long attributesRequiredZeroes,
      long attributesRequiredOnes,
      int hashAlgorithm,
      int lfaPolicy)
      implements InitializationHeader {
    public CcaPolicy {
      require(compatibilityMask != 0, () -> "CCA_POLICY compatibility_mask is 0");
      require(
          (attributesRequiredZeroes & attributesRequiredOnes) == 0,
          () -> "CCA_POLICY has an attribute bit required both zero and one");
      require(
          hashAlgorithm >= 0 && hashAlgorithm <= 2,
          () -> "CCA_POLICY hash_algorithm " + hashAlgorithm + " is not 0, 1 or 2");
      require(
          lfaPolicy == 0 || lfaPolicy == 1,
          () -> "CCA_POLICY lfa_policy " + lfaPolicy + " is not 0 or 1");
    }

    @Override
    public int type() {
      return HeaderType.CCA_POLICY;
    }
  }
}
