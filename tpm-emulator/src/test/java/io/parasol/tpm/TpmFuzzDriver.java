package io.parasol.tpm;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a fuzz input through a fresh {@link Tpm} and checks every answer. The input is a sequence of
 * frames, each {@code u8 locality (low 3 bits; 5–7 are taken modulo 5), u16 length, length command
 * bytes}; a short last frame takes what is left. At most {@value #MAX_COMMANDS} commands.
 *
 * <p>A failure (an {@link AssertionError} or an escaping exception) is: {@link Tpm#execute}
 * throwing or returning null; a response shorter than its header, with a tag other than {@code
 * TPM_ST_NO_SESSIONS}/{@code TPM_ST_SESSIONS} (or {@code TPM_ST_RSP_COMMAND} with {@code
 * TPM_RC_BAD_TAG}), or whose {@code responseSize} is not its length; an error response with a body;
 * a response larger than the TPM's maximum; a state that {@link Tpm#saveState} cannot save or
 * {@link Tpm#restore} cannot read back, after any command that asked for it to be saved and at the
 * end.
 */
final class TpmFuzzDriver {
  static final int MAX_COMMANDS = 64;

  /** TPM_PT_MAX_RESPONSE_SIZE is 4096; nothing may be larger. */
  static final int MAX_RESPONSE_BYTES = 4096;

  private TpmFuzzDriver() {}

  /** What an input did: the response code of each command. */
  record Report(List<Integer> responseCodes) {}

  static Report run(byte[] input) {
    AtomicLong millis = new AtomicLong(1_000_000);
    SecureRandom random;
    try {
      random = SecureRandom.getInstance("SHA1PRNG");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    random.setSeed(42); // deterministic: a failing input fails again
    Tpm tpm = Tpm.builder().random(random).hostMillis(millis::get).build();
    boolean[] saveAsked = new boolean[1];
    tpm.setPersistenceListener(() -> saveAsked[0] = true);
    List<Integer> codes = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(input);
    while (in.remaining() >= 1 && codes.size() < MAX_COMMANDS) {
      int localityByte = in.get() & 0xFF;
      int length = in.remaining() >= 2 ? in.getShort() & 0xFFFF : in.remaining();
      byte[] command = new byte[Math.min(length, in.remaining())];
      in.get(command);
      Locality locality = Locality.of((localityByte & 0x07) % 5);
      byte[] response = tpm.execute(locality, command);
      codes.add(check(command, response));
      if (saveAsked[0]) {
        saveAsked[0] = false;
        roundTrip(tpm);
      }
      millis.addAndGet(1 + (localityByte >>> 3) * 100L);
    }
    roundTrip(tpm);
    return new Report(codes);
  }

  static int check(byte[] command, byte[] response) {
    if (response == null) {
      throw new AssertionError("null response to " + hex(command));
    }
    if (response.length < 10) {
      throw new AssertionError("response of " + response.length + " bytes to " + hex(command));
    }
    ByteBuffer r = ByteBuffer.wrap(response);
    int tag = r.getShort() & 0xFFFF;
    int size = r.getInt();
    int rc = r.getInt();
    // TPM_ST_RSP_COMMAND (0x00C4) answers a bad tag with TPM_RC_BAD_TAG, as a TPM 1.2 would
    // understand (Part 1 §18.3).
    boolean badTagAnswer = tag == 0x00C4 && rc == TpmRc.BAD_TAG;
    if (tag != TpmSt.NO_SESSIONS && tag != TpmSt.SESSIONS && !badTagAnswer) {
      throw new AssertionError("response tag 0x%04x to %s".formatted(tag, hex(command)));
    }
    if (size != response.length) {
      throw new AssertionError(
          "responseSize %d but %d bytes, to %s".formatted(size, response.length, hex(command)));
    }
    if (rc != TpmRc.SUCCESS && response.length != 10) {
      throw new AssertionError(
          "error %s with a %d-byte body, to %s"
              .formatted(TpmRc.describe(rc), response.length - 10, hex(command)));
    }
    if (response.length > MAX_RESPONSE_BYTES) {
      throw new AssertionError("a " + response.length + "-byte response to " + hex(command));
    }
    return rc;
  }

  private static void roundTrip(Tpm tpm) {
    byte[] saved = tpm.saveState();
    Tpm restored = Tpm.restore(saved);
    restored.saveState();
  }

  private static String hex(byte[] bytes) {
    int shown = Math.min(bytes.length, 64);
    return java.util.HexFormat.of().formatHex(bytes, 0, shown) + (shown < bytes.length ? "…" : "");
  }
}
