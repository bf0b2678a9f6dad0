package io.parasol.tpm.object;

import io.parasol.tpm.Entity;
import io.parasol.tpm.EntityCodec;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * The {@link EntityCodec} of persistent objects ({@code TPM_HT_PERSISTENT}, made by
 * TPM2_EvictControl): a version octet, the hierarchy, the marshalled {@code TPM2B_PUBLIC}, the
 * {@code TPM2B_SENSITIVE} and the Qualified Name. The state file is sealed as a whole, so the
 * sensitive area is stored in clear here.
 */
public final class PersistentObjectCodec implements EntityCodec {
  private static final int VERSION = 1;

  @Override
  public byte[] encode(Entity entity) {
    if (!(entity instanceof TpmObject o) || o.isPublicOnly()) {
      throw new IllegalArgumentException("not a persistent object: " + entity);
    }
    TpmWriter w = new TpmWriter();
    w.writeU8(VERSION).writeU32(o.hierarchy());
    o.publicArea().write2B(w);
    w.writeBytes(o.sensitive().marshal2B());
    w.write2B(o.qualifiedName());
    return w.toByteArray();
  }

  @Override
  public Entity decode(int handle, byte[] encoding) {
    try {
      TpmReader r = new TpmReader(encoding);
      if (r.readU8() != VERSION) {
        throw new IllegalArgumentException("unknown persistent object version");
      }
      int hierarchy = r.readU32();
      TpmtPublic pub = TpmtPublic.read2B(r, false);
      TpmtSensitive sens = r.readSized(TpmtSensitive::read);
      byte[] qn = r.read2B(Tpm2b.NAME);
      if (!r.atEnd()) {
        throw new IllegalArgumentException("trailing bytes in persistent object");
      }
      TpmObject o = new TpmObject(handle, pub, sens, qn, hierarchy, false);
      o.checkBinding();
      return o;
    } catch (TpmException e) {
      throw new IllegalArgumentException("bad persistent object: " + e.getMessage(), e);
    }
  }
}
