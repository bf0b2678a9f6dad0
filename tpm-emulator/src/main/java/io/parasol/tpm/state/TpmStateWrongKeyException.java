package io.parasol.tpm.state;

/**
 * A sealed file does not authenticate under the key at hand: it names another key id, or its
 * AES-GCM tag or HMAC does not verify. Either the state was sealed under a different key, or a byte
 * of it (header, nonce or ciphertext) was changed; cryptography cannot tell the two apart.
 */
public final class TpmStateWrongKeyException extends TpmStateException {

  /** An authentication failure described by {@code message}. */
  public TpmStateWrongKeyException(String message) {
    super(message);
  }

  /** An authentication failure described by {@code message}, caused by {@code cause}. */
  public TpmStateWrongKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
