package io.parasol.tpm.state;

/**
 * The state on disk is authentic but not provably the latest: its generation is older than the last
 * one the {@link MonotonicCounter} saw (a replayed file), the file is gone although the counter
 * says one was written, or the counter lags further behind the file than one interrupted write
 * explains (the counter itself was rolled back or lost). Refusing is the point: a vTPM that
 * accepted an old state would un-extend PCRs, un-increment NV counters and revive deleted keys.
 */
public final class TpmStateRollbackException extends TpmStateException {

  private final long fileGeneration;
  private final long lastSeenGeneration;

  /**
   * A freshness failure described by {@code message}.
   *
   * @param fileGeneration the generation of the state file, 0 if there is no file
   * @param lastSeenGeneration the generation the monotonic counter holds
   */
  public TpmStateRollbackException(String message, long fileGeneration, long lastSeenGeneration) {
    super(message);
    this.fileGeneration = fileGeneration;
    this.lastSeenGeneration = lastSeenGeneration;
  }

  /** The generation of the state file found, 0 if there was none. */
  public long fileGeneration() {
    return fileGeneration;
  }

  /** The generation the monotonic counter holds. */
  public long lastSeenGeneration() {
    return lastSeenGeneration;
  }
}
