package io.parasol.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Response-code arithmetic of Part 2 §6.6. */
class TpmRcTest {

  @Test
  void formatOneNumbers() {
    assertEquals(0x2C4, TpmRc.parameter(TpmRc.VALUE, 2));
    assertEquals(0x18B, TpmRc.handle(TpmRc.HANDLE, 1));
    assertEquals(0x98E, TpmRc.session(TpmRc.AUTH_FAIL, 1));
    assertEquals(0x9A2, TpmRc.session(TpmRc.BAD_AUTH, 1));
    assertEquals(0xFC4, TpmRc.parameter(TpmRc.VALUE, 15));
  }

  @Test
  void formatZeroCodesCarryNoNumber() {
    assertEquals(TpmRc.INITIALIZE, TpmRc.parameter(TpmRc.INITIALIZE, 1));
    assertEquals(TpmRc.LOCKOUT, TpmRc.session(TpmRc.LOCKOUT, 1));
    assertFalse(TpmRc.isFormatOne(TpmRc.AUTH_MISSING));
  }

  @Test
  void baseCodeAndDescription() {
    int rc = TpmRc.parameter(TpmRc.SIZE, 3);
    assertTrue(TpmRc.hasNumber(rc));
    assertEquals(TpmRc.SIZE, TpmRc.baseCode(rc));
    assertEquals("0x3D5 (SIZE, parameter 3)", TpmRc.describe(rc));
    assertEquals("0x98E (AUTH_FAIL, session 1)", TpmRc.describe(0x98E));
  }

  @Test
  void exceptionKeepsAnExistingNumber() {
    TpmException e = new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
    assertEquals(0x1C4, e.atParameter(2).rc());
    assertEquals(0x2C4, new TpmException(TpmRc.VALUE).atParameter(2).rc());
  }
}
