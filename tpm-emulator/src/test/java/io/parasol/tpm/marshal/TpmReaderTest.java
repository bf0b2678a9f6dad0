package io.parasol.tpm.marshal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bounds checks of {@link TpmReader} and round trips of the Part 2 structures. */
class TpmReaderTest {

  @Test
  void readingPastTheEndIsInsufficient() {
    TpmReader in = new TpmReader(new byte[] {1, 2, 3});
    TpmException e = assertThrows(TpmException.class, in::readU32);
    assertEquals(TpmRc.INSUFFICIENT, e.rc());
  }

  @Test
  void sizeAboveTheStructureLimitIsSize() {
    TpmReader in = new TpmReader(HexFormat.of().parseHex("0041" + "00".repeat(65)));
    assertEquals(TpmRc.SIZE, assertThrows(TpmException.class, () -> in.read2B(Tpm2b.DIGEST)).rc());
  }

  @Test
  void sizeBeyondTheBufferIsInsufficient() {
    TpmReader in = new TpmReader(HexFormat.of().parseHex("0010" + "00"));
    assertEquals(TpmRc.INSUFFICIENT, assertThrows(TpmException.class, () -> in.read2B(64)).rc());
  }

  @Test
  void parameterNumberIsAddedToFormatOneErrors() {
    TpmReader in = new TpmReader(new byte[1]);
    TpmException e = assertThrows(TpmException.class, () -> in.parameter(2, TpmReader::readU16));
    assertEquals(0x2DA, e.rc()); // TPM_RC_INSUFFICIENT + TPM_RC_P + TPM_RC_2
  }

  @Test
  void yesNoAcceptsOnlyZeroAndOne() {
    assertEquals(
        TpmRc.VALUE,
        assertThrows(TpmException.class, () -> new TpmReader(new byte[] {2}).readYesNo()).rc());
  }

  @Test
  void sizedStructureMustBeUsedExactly() {
    TpmReader in = new TpmReader(HexFormat.of().parseHex("0003" + "000102"));
    assertEquals(
        TpmRc.SIZE, assertThrows(TpmException.class, () -> in.readSized(TpmReader::readU16)).rc());
  }

  @Test
  void pcrSelectionRoundTrip() throws TpmException {
    TpmlPcrSelection sel =
        new TpmlPcrSelection(
            List.of(
                TpmsPcrSelection.of(TpmAlgId.SHA256, 0, 7, 23),
                TpmsPcrSelection.of(TpmAlgId.SHA1)));
    TpmWriter w = new TpmWriter();
    sel.write(w);
    assertArrayEquals(
        HexFormat.of().parseHex("00000002" + "000b03810080" + "000403000000"), w.toByteArray());
    assertEquals(sel, TpmlPcrSelection.read(new TpmReader(w.toByteArray())));
  }

  @Test
  void pcrSelectionOfUnknownHashIsHash() {
    TpmReader in = new TpmReader(HexFormat.of().parseHex("0099" + "03000000"));
    assertEquals(
        TpmRc.HASH, assertThrows(TpmException.class, () -> TpmsPcrSelection.read(in)).rc());
  }

  @Test
  void digestValuesCountAboveHashCountIsSize() {
    TpmReader in = new TpmReader(HexFormat.of().parseHex("00000005"));
    assertEquals(
        TpmRc.SIZE, assertThrows(TpmException.class, () -> TpmlDigestValues.read(in)).rc());
  }

  @Test
  void timeInfoRoundTrip() throws TpmException {
    TpmsTimeInfo t = new TpmsTimeInfo(5, new TpmsClockInfo(7, 1, 2, true));
    TpmWriter w = new TpmWriter();
    t.write(w);
    assertEquals(25, w.size());
    assertEquals(t, TpmsTimeInfo.read(new TpmReader(w.toByteArray())));
  }

  @Test
  void writerSizedBlocks() {
    TpmWriter w = new TpmWriter(1);
    int mark = w.beginSized();
    w.writeU32(0xDEADBEEF);
    w.endSized(mark);
    assertArrayEquals(HexFormat.of().parseHex("0004deadbeef"), w.toByteArray());
  }
}
