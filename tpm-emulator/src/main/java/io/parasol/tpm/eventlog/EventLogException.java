package io.parasol.tpm.eventlog;

/**
 * An event log that cannot be read or replayed: the message names the offset or event and what is
 * wrong.
 */
public final class EventLogException extends Exception {
  private final long offset;

  /** A log whose bytes are wrong at {@code offset}. */
  public EventLogException(long offset, String message) {
    super("event log at offset " + offset + ": " + message);
    this.offset = offset;
  }

  /** A log that reads but does not make sense (an event for a PCR that does not exist...). */
  public EventLogException(String message) {
    super("event log: " + message);
    this.offset = -1;
  }

  /** The byte offset in the log where the problem was found, or -1 when it is not about bytes. */
  public long offset() {
    return offset;
  }
}
