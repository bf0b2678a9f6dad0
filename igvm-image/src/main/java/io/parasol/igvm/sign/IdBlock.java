package io.parasol.igvm.sign;

import io.parasol.igvm.format.Blob;

/**
 * The 96-byte SEV-SNP ID block the ID key signs (SNP ABI, SNP_LAUNCH_FINISH "ID block"): expected
 * launch digest, family and image IDs, version 1, guest SVN and guest policy.
 */
public record IdBlock(
    Blob ld, Blob familyId, Blob imageId, int version, int guestSvn, long policy) {
  public static final int BYTES = 96;

  public IdBlock {
    if (ld.length() != 48 || familyId.length() != 16 || imageId.length() != 16) {
      throw new IllegalArgumentException("an ID block has a 48-byte digest and 16-byte IDs");
    }
  }

  /** The bytes that are signed. */
  public byte[] encode() {
    byte[] out = new byte[BYTES];
    ld.copyTo(out, 0x00);
    familyId.copyTo(out, 0x30);
    imageId.copyTo(out, 0x40);
    putInt(out, 0x50, version);
    putInt(out, 0x54, guestSvn);
    putInt(out, 0x58, (int) policy);
    putInt(out, 0x5C, (int) (policy >>> 32));
    return out;
  }

  private static void putInt(byte[] b, int at, int v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
