package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConsoleEscapeTest {
  private final AtomicInteger quits = new AtomicInteger();
  private final ByteArrayOutputStream messages = new ByteArrayOutputStream();

  private byte[] filter(byte[] typed, int chunk) throws IOException {
    // Deliver the input in chunks, as a terminal does, so a prefix can end one read.
    InputStream slow =
        new ByteArrayInputStream(typed) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, chunk));
          }
        };
    ConsoleEscape escape =
        new ConsoleEscape(slow, quits::incrementAndGet, new PrintStream(messages, true));
    return escape.readAllBytes();
  }

  @Test
  void ordinaryKeysPassThroughUnchanged() throws IOException {
    byte[] typed = "ls -l\r\u0003\u001b[A".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(typed, filter(typed, 64));
    assertEquals(0, quits.get());
  }

  @Test
  void ctrlAxQuitsAndIsNotSentToTheGuest() throws IOException {
    assertArrayEquals("ab".getBytes(), filter("a\u0001xb".getBytes(), 64));
    assertEquals(1, quits.get());
    assertTrue(messages.toString().contains("Ctrl-A x"));
  }

  @Test
  void ctrlACtrlASendsOneCtrlA() throws IOException {
    assertArrayEquals(new byte[] {'a', 1, 'b'}, filter(new byte[] {'a', 1, 1, 'b'}, 64));
    assertEquals(0, quits.get());
  }

  @Test
  void thePrefixMayEndOneReadAndTheKeyStartTheNext() throws IOException {
    assertArrayEquals("abc".getBytes(), filter("ab\u0001xc".getBytes(), 3));
    assertEquals(1, quits.get());
    assertArrayEquals("z".getBytes(), filter("\u0001xz".getBytes(), 1));
    assertEquals(2, quits.get());
  }

  @Test
  void helpIsPrintedAndUnknownEscapesAreDropped() throws IOException {
    assertArrayEquals("ab".getBytes(), filter("a\u0001h\u0001qb".getBytes(), 64));
    assertTrue(messages.toString().contains("Ctrl-A h shows this help"));
    assertEquals(0, quits.get());
  }
}
