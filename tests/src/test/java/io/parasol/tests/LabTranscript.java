package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading a lab session's transcript: the sections {@link LabSession#RUN_FUNCTION} writes, the
 * {@code KEY=VALUE} lines the test guest and the scripts print, and the virtio disk check that
 * {@link LinuxLabIT} and {@link VirtioLabIT} share.
 */
final class LabTranscript {
  private LabTranscript() {}

  /** The console and markers of run {@code name} in {@code transcript}. */
  static String section(String transcript, String name) {
    int start = transcript.indexOf("== RUN " + name + " start=");
    int end = transcript.indexOf("== RUN " + name + " exit=");
    assertTrue(start >= 0 && end > start, "no section " + name + " in:\n" + transcript);
    return transcript.substring(start, transcript.indexOf('\n', end) + 1);
  }

  /** A section whose run ended by itself (not killed for a panic or its time limit). */
  static String completedSection(String transcript, String name) {
    String run = section(transcript, name);
    assertTrue(run.contains("killed=no"), name + " was killed:\n" + run);
    return run;
  }

  /**
   * A section whose guest reached its init marker and whose run ended by itself with {@code
   * exitCode} ({@code parasol run}'s: 0 powered off, 10 reset, ...).
   */
  static String bootedRun(String transcript, String name, int exitCode) {
    String run = completedSection(transcript, name);
    assertTrue(run.contains("PARASOL-GUEST-UP"), run);
    assertEquals(exitCode, field(run, "exit=(\\d+)"), run);
    return run;
  }

  /** The first group of {@code regex} in {@code text}, which must match. */
  static String text(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " in:\n" + text);
    return m.group(1);
  }

  /** The first group of {@code regex} in {@code text}, as a number. */
  static long field(String text, String regex) {
    return Long.parseLong(text(text, regex));
  }

  /** What {@code seq 1 N} prints. */
  static byte[] seq(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      b.append(i).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /**
   * The files of run {@code name} (the guest's tests/virtio.sh on an image holding {@code seq 1
   * 5000} as host.txt): in the guest's words, and in the image as debugfs read it after the VM
   * ended ({@code NAME-image-FILE-sha256=} lines), which e2fsck found clean.
   */
  static void checkDiskAndRng(String transcript, String name) throws Exception {
    String run = completedSection(transcript, name);
    assertTrue(run.contains("mounted=yes"), run);
    assertTrue(run.contains("unmounted=yes"), run);
    // The guest read the file the host put in the image...
    assertEquals(sha256(seq(5000)), text(run, "host-sha256=([0-9a-f]{64})"), run);
    // ...and what it wrote is in the image, as debugfs reads it after the VM ended.
    String numbers = sha256(seq(100_000));
    assertEquals(numbers, text(run, "numbers-sha256=([0-9a-f]{64})"), run);
    assertEquals(numbers, text(transcript, name + "-image-numbers.txt-sha256=([0-9a-f]{64})"));
    assertEquals(
        sha256(seq(5000)), text(transcript, name + "-image-host.txt-sha256=([0-9a-f]{64})"));
    assertEquals(0, field(transcript, name + "-image-fsck=(\\d+)"), "e2fsck -fn: clean");
    // /dev/hwrng: 4096 bytes from virtio-rng, not zeroes, the same in the image.
    assertEquals(4096, field(run, "random-bytes=(\\d+)"), run);
    String random = text(run, "random-sha256=([0-9a-f]{64})");
    assertEquals(random, text(transcript, name + "-image-random.bin-sha256=([0-9a-f]{64})"));
    assertFalse(random.equals(sha256(new byte[4096])), "not zeroes");
  }
}
