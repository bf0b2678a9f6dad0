package io.parasol.tpm.server;

import java.io.IOException;

/** A client broke the protocol (unknown code, absurd length); its connection is closed. */
final class BadClientInputException extends IOException {
  BadClientInputException(String message) {
    super(message);
  }
}
