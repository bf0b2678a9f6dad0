package io.parasol.tpm.nv;

import io.parasol.tpm.Entity;
import io.parasol.tpm.EntityCodec;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * The persistent form of an {@link NvIndex} inside {@code Tpm.saveState()}: a format octet (1),
 * then the {@code TPM2B_NV_PUBLIC} with its current attributes, the authValue as a {@code
 * TPM2B_AUTH} and the data as a {@code TPM2B}. Decoding re-validates everything as if it came from
 * a guest, since a state file is only as trustworthy as its storage.
 */
public final class NvIndexCodec implements EntityCodec {
  private static final int FORMAT = 1;

  @Override
  public byte[] encode(Entity entity) {
    if (!(entity instanceof NvIndex index)) {
      throw new IllegalArgumentException("not an NV index: " + entity);
    }
    TpmWriter w = new TpmWriter(32 + index.publicArea().dataSize());
    w.writeU8(FORMAT);
    index.publicArea().write2B(w);
    w.write2B(index.authValue());
    w.write2B(index.data());
    return w.toByteArray();
  }

  @Override
  public Entity decode(int handle, byte[] encoding) {
    try {
      TpmReader r = new TpmReader(encoding);
      if (r.readU8() != FORMAT) {
        throw new IllegalArgumentException("unknown NV index encoding");
      }
      NvPublic pub = NvPublic.read2B(r);
      byte[] auth = r.read2B(Tpm2b.AUTH);
      byte[] data = r.read2B(NvIndex.MAX_INDEX_SIZE);
      if (!r.atEnd() || pub.nvIndex() != handle || data.length != pub.dataSize()) {
        throw new IllegalArgumentException("inconsistent NV index encoding");
      }
      return new NvIndex(pub, auth, data);
    } catch (TpmException e) {
      throw new IllegalArgumentException("malformed NV index encoding: " + e.getMessage(), e);
    }
  }
}
