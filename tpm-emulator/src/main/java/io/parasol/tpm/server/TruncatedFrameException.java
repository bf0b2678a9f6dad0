package io.parasol.tpm.server;

import java.io.EOFException;

/** The client closed its connection in the middle of a frame. */
final class TruncatedFrameException extends EOFException {
  TruncatedFrameException(String message) {
    super(message);
  }
}
