package io.parasol.machine.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WiredOrLineTest {
  @Test
  void outputIsHighWhileAnyInputIsHighAndChangesOnlyOnTransitions() {
    List<Boolean> levels = new ArrayList<>();
    WiredOrLine line = new WiredOrLine(levels::add);
    InterruptLine com1 = line.newInput();
    InterruptLine com3 = line.newInput();
    com1.setLevel(true);
    com3.setLevel(true);
    com1.setLevel(false);
    assertEquals(List.of(true), levels, "still high: COM3 holds the line");
    com3.setLevel(false);
    com3.setLevel(false);
    assertEquals(List.of(true, false), levels);
  }
}
