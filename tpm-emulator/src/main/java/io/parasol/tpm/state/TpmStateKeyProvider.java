package io.parasol.tpm.state;

/**
 * Supplies the root key the vTPM's persistent state is sealed under.
 *
 * <p>Today the key comes from a file on the host ({@link KeyFileStateKeyProvider}), which protects
 * the state against anyone who can read the state directory but not the key file. In a confidential
 * VM the key will be derived inside the guest from the platform's sealing key (the SNP {@code
 * MSG_KEY_REQ} derived key, the TDX sealing key), which the host cannot compute; such a provider
 * implements this same interface.
 *
 * <p>Implementations return the same key and id on every call, or throw.
 */
public interface TpmStateKeyProvider {

  /**
   * The state key and its id.
   *
   * @throws TpmStateKeyException if the key does not exist or cannot be used; the message says
   *     which and why
   */
  StateKey stateKey() throws TpmStateKeyException;
}
