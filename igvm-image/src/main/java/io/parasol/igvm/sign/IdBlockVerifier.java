package io.parasol.igvm.sign;

import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.SnpIdBlock;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.InitializationHeader.GuestPolicy;
import io.parasol.igvm.measure.SnpLaunchDigest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Checks each SNP_ID_BLOCK of a file as the PSP would at SNP_LAUNCH_FINISH: its digest is the
 * platform's launch digest, the ID key's signature over the ID block (with the GUEST_POLICY's
 * policy) is valid, and with an author key, the author's signature over the ID key is valid.
 */
public final class IdBlockVerifier {
  private IdBlockVerifier() {}

  /**
   * The verdict on one ID block.
   *
   * @param compatibilityMask the block's mask
   * @param problems what is wrong, empty when the block verifies
   * @param idKeyDigest SHA-384 of the ID key's SNP structure (what the PSP reports as
   *     ID_KEY_DIGEST)
   * @param authorKeyDigest the same for the author key, if there is one
   */
  public record Verdict(
      int compatibilityMask,
      List<String> problems,
      String idKeyDigest,
      Optional<String> authorKeyDigest) {
    public Verdict {
      problems = List.copyOf(problems);
    }

    public boolean valid() {
      return problems.isEmpty();
    }
  }

  /** One verdict per SNP_ID_BLOCK, in file order (none for an unsigned file). */
  public static List<Verdict> verify(IgvmFile file) {
    List<Verdict> verdicts = new ArrayList<>();
    for (DirectiveHeader d : file.directives()) {
      if (d instanceof SnpIdBlock block) {
        verdicts.add(verify(file, block));
      }
    }
    return verdicts;
  }

  private static Verdict verify(IgvmFile file, SnpIdBlock block) {
    List<String> problems = new ArrayList<>();
    int mask = block.compatibilityMask();
    Optional<GuestPolicy> policy = file.guestPolicy(Integer.lowestOneBit(mask));
    if (policy.isEmpty()) {
      problems.add("the platform has no GUEST_POLICY");
    }
    for (int bits = mask; bits != 0; bits &= bits - 1) {
      byte[] ld = SnpLaunchDigest.compute(file, Integer.lowestOneBit(bits));
      if (!Arrays.equals(ld, block.ld().toByteArray())) {
        problems.add(
            "the ID block's launch digest "
                + HexFormat.of().formatHex(block.ld().toByteArray())
                + " is not the file's "
                + HexFormat.of().formatHex(ld));
      }
    }
    if (block.version() != 1) {
      problems.add("the ID block version is " + block.version() + ", not 1");
    }
    String idDigest = "";
    if (block.idKeyAlgorithm() != IdBlockSigner.ECDSA_P384_SHA384) {
      problems.add(
          "id_key_algorithm is " + block.idKeyAlgorithm() + ", not 1 (ECDSA P-384 with SHA-384)");
    }
    SnpPublicKey idKey = null;
    try {
      idKey = SnpPublicKey.fromIgvm(block.idPublicKey());
      idDigest = sha384Hex(idKey.snpStructure());
      IdBlock signed =
          new IdBlock(
              block.ld(),
              block.familyId(),
              block.imageId(),
              block.version(),
              block.guestSvn(),
              policy.map(GuestPolicy::policy).orElse(0L));
      if (!SnpSignature.verify(idKey.parameters(), signed.encode(), block.idKeySignature())) {
        problems.add("the ID key's signature over the ID block does not verify");
      }
    } catch (SigningException e) {
      problems.add("ID key: " + e.getMessage());
    }
    Optional<String> authorDigest = Optional.empty();
    if (block.authorKeyEnabled()) {
      if (block.authorKeyAlgorithm() != IdBlockSigner.ECDSA_P384_SHA384) {
        problems.add(
            "author_key_algorithm is "
                + block.authorKeyAlgorithm()
                + ", not 1 (ECDSA P-384 with SHA-384)");
      }
      try {
        SnpPublicKey author = SnpPublicKey.fromIgvm(block.authorPublicKey());
        authorDigest = Optional.of(sha384Hex(author.snpStructure()));
        if (idKey == null
            || !SnpSignature.verify(
                author.parameters(), idKey.snpStructure(), block.authorKeySignature())) {
          problems.add("the author key's signature over the ID key does not verify");
        }
      } catch (SigningException e) {
        problems.add("author key: " + e.getMessage());
      }
    }
    return new Verdict(mask, problems, idDigest, authorDigest);
  }

  private static String sha384Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-384").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
