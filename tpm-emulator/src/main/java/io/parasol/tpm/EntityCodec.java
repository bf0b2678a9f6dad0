package io.parasol.tpm;

/**
 * Encodes entities that outlive power cycles (NV indices, persistent objects) for {@link
 * Tpm#saveState()}, and decodes them for {@link Tpm#restore}. A command chapter that creates such
 * entities registers its codec through {@link
 * io.parasol.tpm.command.CommandChapter#entityCodecs()}.
 */
public interface EntityCodec {

  /** The entity's persistent form. */
  byte[] encode(Entity entity);

  /**
   * The entity {@link #encode} produced.
   *
   * @throws IllegalArgumentException if {@code encoding} is not one
   */
  Entity decode(int handle, byte[] encoding);
}
