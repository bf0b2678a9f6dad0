package io.parasol.tpm.state;

/**
 * The last state generation known to be written, kept where the attacker who replaces the state
 * file cannot trivially also roll it back. {@link TpmStateStore} refuses a state file whose
 * generation is below it.
 *
 * <p>The store calls {@link #read} once when it opens, and {@link #advanceTo} after each state file
 * is durably in place (so the counter never runs ahead of the file: a crash between the two leaves
 * the file one generation ahead, which the store accepts and then records).
 *
 * <p>{@link AnchorFileCounter} is the software implementation: a MACed file in a second location. A
 * hardware implementation (a TPM NV counter of the host, a replay-protected memory block, a counter
 * held by an attestation service that releases the state key) implements the same two operations,
 * and only it makes rollback detection hold against an attacker who controls all of the host's
 * storage.
 *
 * <p>A counter belongs to one state store; implementations need not be thread-safe (the store
 * serialises its calls).
 */
public interface MonotonicCounter {

  /**
   * The counter's value: the highest generation recorded, 0 if none was ever recorded.
   *
   * @throws TpmStateException if the counter cannot be read or fails its integrity check
   */
  long read() throws TpmStateException;

  /**
   * Raises the counter to {@code generation}; does nothing if it is there already. Returns only
   * once the new value is durable.
   *
   * @throws IllegalArgumentException if {@code generation} is below the counter's value (counters
   *     never go down; the store never asks)
   * @throws TpmStateException if the new value cannot be recorded
   */
  void advanceTo(long generation) throws TpmStateException;

  /** What and where the counter is, for messages ("rollback anchor /var/lib/…/anchor"). */
  String description();
}
