package io.parasol.tpm.object;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.crypto.HashAlgorithm;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RSA primary objects derived most recently, so that re-creating one (tpm2-tools and tpm2-tss
 * re-create the SRK and EK with TPM2_CreatePrimary in every session) costs a look-up instead of a
 * prime search of tens of milliseconds.
 *
 * <p>A primary object is a deterministic function of its hierarchy's primary seed, the Name of its
 * template and the sensitive data (TPM 2.0 Library Part 1 §27.2.6, {@link
 * ObjectGenerator#primaryRandom}): what is cached is exactly what {@link ObjectGenerator#generate}
 * would derive again, as the reference simulator's RSA key cache does, but keyed by all of the
 * derivation's inputs, so a different seed, template or data never hits. Entries of a hierarchy are
 * dropped as soon as its seed changes ({@link #forget}: TPM2_Clear, TPM2_ChangeEPS, TPM2_ChangePPS,
 * the null seed at every TPM Reset), so the cache never holds a key its hierarchy can no longer
 * derive. The authValue is not part of the entry: it is the caller's to fill in.
 *
 * <p>Volatile and bounded ({@value #CAPACITY} entries, least recently used dropped); used under the
 * TPM's command lock.
 */
public final class PrimaryObjectCache {
  /** Entries kept: a handful of SRK and EK templates per hierarchy. */
  static final int CAPACITY = 8;

  private record Cached(Hierarchy hierarchy, ObjectGenerator.Generated generated) {}

  private final Map<ByteBuffer, Cached> entries =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Cached> eldest) {
          return size() > CAPACITY;
        }
      };

  /**
   * The cache key: SHA-256 over the hierarchy, the seed, the template's Name and the sensitive
   * data, each length-prefixed. The seed itself is not kept.
   */
  static ByteBuffer key(Hierarchy h, byte[] seed, byte[] templateName, byte[] data) {
    ByteBuffer input =
        ByteBuffer.allocate(4 + 3 * 4 + seed.length + templateName.length + data.length);
    input.putInt(h.ordinal());
    for (byte[] part : new byte[][] {seed, templateName, data}) {
      input.putInt(part.length).put(part);
    }
    return ByteBuffer.wrap(HashAlgorithm.SHA256.digest(input.array()));
  }

  /** The object derived for {@code key} in {@code h}, or null. */
  ObjectGenerator.Generated get(Hierarchy h, ByteBuffer key) {
    Cached e = entries.get(key);
    return e != null && e.hierarchy() == h ? e.generated() : null;
  }

  void put(Hierarchy h, ByteBuffer key, ObjectGenerator.Generated generated) {
    entries.put(key, new Cached(h, generated));
  }

  /** Drops every entry of {@code h}: its seed has changed. */
  public void forget(Hierarchy h) {
    for (Iterator<Cached> i = entries.values().iterator(); i.hasNext(); ) {
      if (i.next().hierarchy() == h) {
        i.remove();
      }
    }
  }

  /** Drops every entry. */
  public void clear() {
    entries.clear();
  }

  /** Entries held, for tests. */
  public int size() {
    return entries.size();
  }
}
