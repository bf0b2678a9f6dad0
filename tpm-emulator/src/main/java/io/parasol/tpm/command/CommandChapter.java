package io.parasol.tpm.command;

import io.parasol.tpm.EntityCodec;
import java.util.List;
import java.util.Map;

/**
 * The commands of one chapter of TPM 2.0 Library Part 3 (for example §22 "Integrity Collection
 * (PCR)"). Each chapter package has one implementation listing its commands, one per line; {@link
 * CommandTable#standard()} lists the chapters, one per line.
 */
public interface CommandChapter {

  /** The chapter's commands. */
  List<Command<?>> commands();

  /**
   * Codecs for the persistent entities this chapter creates, by handle type ({@code
   * TpmHandle.HT_NV_INDEX}, {@code HT_PERSISTENT}); none by default.
   */
  default Map<Integer, EntityCodec> entityCodecs() {
    return Map.of();
  }
}
