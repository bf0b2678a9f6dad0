package io.parasol.igvm.sign;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.SnpIdBlock;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.PlatformHeader.SupportedPlatform;
import io.parasol.igvm.format.PlatformType;
import io.parasol.igvm.measure.SnpLaunchDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Signs a file's SEV-SNP platform: computes its launch digest, builds the ID block with the
 * platform's GUEST_POLICY, signs it with the ID key, optionally signs the ID key with an author
 * key, and puts the result in the file's SNP_ID_BLOCK (replacing one that is there, else appended
 * after the other directives; the ID block is not measured, so the digest does not change).
 */
public final class IdBlockSigner {
  /** id_key_algorithm / author_key_algorithm: ECDSA P-384 with SHA-384. */
  public static final int ECDSA_P384_SHA384 = 1;

  private IdBlockSigner() {}

  /**
   * What the ID block says besides the digest and the policy.
   *
   * @param familyId 16 bytes
   * @param imageId 16 bytes
   */
  public record Identity(Blob familyId, Blob imageId, int guestSvn) {
    public Identity {
      if (familyId.length() != 16 || imageId.length() != 16) {
        throw new IllegalArgumentException("family and image IDs are 16 bytes each");
      }
    }

    /** Zero IDs and SVN 0. */
    public static Identity none() {
      return new Identity(Blob.zeros(16), Blob.zeros(16), 0);
    }
  }

  /** The file with its SNP platform's ID block signed by {@code idKey} (and {@code authorKey}). */
  public static IgvmFile sign(
      IgvmFile file, Identity identity, P384Key idKey, Optional<P384Key> authorKey)
      throws SigningException {
    SupportedPlatform snp =
        file.platform(PlatformType.SEV_SNP)
            .orElseThrow(
                () ->
                    new SigningException(
                        "the file has no SEV_SNP platform, so no ID block to sign"));
    int bit = snp.compatibilityMask();
    long policy =
        file.guestPolicy(bit)
            .orElseThrow(
                () ->
                    new SigningException(
                        "the SEV_SNP platform has no GUEST_POLICY, which the ID block must carry"))
            .policy();
    byte[] ld = SnpLaunchDigest.compute(file, bit);
    IdBlock block =
        new IdBlock(
            Blob.of(ld), identity.familyId(), identity.imageId(), 1, identity.guestSvn(), policy);
    Blob idSignature = SnpSignature.sign(idKey, block.encode());
    SnpPublicKey idPublic = idKey.publicKey();
    Blob authorSignature = Blob.zeros(SnpSignature.BYTES);
    Blob authorPublic = Blob.zeros(152);
    if (authorKey.isPresent()) {
      authorSignature = SnpSignature.sign(authorKey.get(), idPublic.snpStructure());
      authorPublic = authorKey.get().publicKey().igvmBytes();
    }
    SnpIdBlock header =
        new SnpIdBlock(
            bit,
            authorKey.isPresent(),
            block.ld(),
            block.familyId(),
            block.imageId(),
            block.version(),
            block.guestSvn(),
            ECDSA_P384_SHA384,
            authorKey.isPresent() ? ECDSA_P384_SHA384 : 0,
            idSignature,
            idPublic.igvmBytes(),
            authorSignature,
            authorPublic);
    List<DirectiveHeader> directives = new ArrayList<>();
    boolean replaced = false;
    for (DirectiveHeader d : file.directives()) {
      if (d instanceof SnpIdBlock old && (old.compatibilityMask() & bit) != 0) {
        if (!replaced) {
          directives.add(header);
          replaced = true;
        }
      } else {
        directives.add(d);
      }
    }
    if (!replaced) {
      directives.add(header);
    }
    return file.withDirectives(directives);
  }
}
