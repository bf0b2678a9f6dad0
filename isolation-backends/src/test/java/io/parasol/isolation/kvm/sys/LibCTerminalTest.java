package io.parasol.isolation.kvm.sys;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LibCTerminalTest {
  private static final int O_RDWR = 2;
  private static final int O_NOCTTY = 0400;

  @Test
  void aPseudoTerminalIsATerminalAndDevNullIsNot() throws ErrnoException {
    int pty = LibC.open("/dev/ptmx", O_RDWR | O_NOCTTY, "open /dev/ptmx");
    int nul = LibC.open("/dev/null", O_RDWR, "open /dev/null");
    try {
      assertTrue(LibC.isTerminal(pty));
      assertFalse(LibC.isTerminal(nul));
      assertFalse(LibC.isTerminal(-1));
    } finally {
      LibC.close(pty);
      LibC.close(nul);
    }
  }
}
