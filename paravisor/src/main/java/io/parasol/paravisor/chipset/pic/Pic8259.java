package io.parasol.paravisor.chipset.pic;

/**
 * One Intel 8259A: its registers, initialisation sequence, operation commands and priority
 * resolver. Not thread-safe and not a device by itself: {@link DualPic8259} owns two and guards
 * them with its monitor.
 */
final class Pic8259 {
  private final boolean master;

  private int lineLevels; // IR0..IR7 input levels
  private int edgeRequests; // requests latched on a rising edge (edge-triggered inputs)
  private int elcr; // PIIX ELCR: 1 = level-triggered
  private boolean levelTriggeredMode; // ICW1 LTIM: every input level-triggered
  private int isr;
  private int imr = 0xFF; // DEVNOTE: the 8259A has no reset pin; start masked until programmed
  private int vectorBase;
  private int lowestPriorityPlusOne; // the IR with the highest priority (0 until rotated)
  private int initStep; // 0 = operational, else the ICW expected next (2, 3 or 4)
  private boolean single;
  private boolean icw4Needed;
  private int icw3;
  private int icw4;
  private boolean rotateInAutoEoi;
  private boolean specialMask;
  private boolean readIsr;
  private boolean poll;

  Pic8259(boolean master) {
    this.master = master;
  }

  // --- inputs ---

  /** An input changes level; a rising edge latches a request on an edge-triggered input. */
  void setInput(int pin, boolean level) {
    int bit = 1 << pin;
    if (level && (lineLevels & bit) == 0 && (levelTriggered() & bit) == 0) {
      // 8259A datasheet, "Edge and Level Triggered Modes": a low-to-high transition sets IRR.
      // DEVNOTE: the request stays latched if the input falls again before INTA (as QEMU and KVM
      // do), since devices signal an edge as a pulse; the datasheet's "default IR7" applies to
      // level-triggered inputs here.
      edgeRequests |= bit;
    }
    lineLevels = level ? lineLevels | bit : lineLevels & ~bit;
  }

  private int levelTriggered() {
    return levelTriggeredMode ? 0xFF : elcr;
  }

  /** IRR: latched edge requests, and level-triggered inputs as they are now. */
  int irr() {
    int level = levelTriggered();
    return (edgeRequests & ~level) | (lineLevels & level);
  }

  int elcr() {
    return elcr;
  }

  void setElcr(int value) {
    elcr = value & 0xFF;
  }

  int vectorBase() {
    return vectorBase;
  }

  boolean cascadesOn(int pin) {
    return master && !single && (icw3 & (1 << pin)) != 0;
  }

  // --- priority resolver ---

  /** The priority rank (0 highest, 8 none) of the highest-priority bit in {@code mask}. */
  private int rank(int mask) {
    if (mask == 0) {
      return 8;
    }
    int rank = 0;
    while ((mask & (1 << ((rank + lowestPriorityPlusOne) & 7))) == 0) {
      rank++;
    }
    return rank;
  }

  /**
   * The IR the chip would raise INTR for, or -1: the highest-priority unmasked request that beats
   * everything in service (8259A datasheet, "Fully Nested Mode"), where special mask mode ignores
   * masked in-service levels and the master in special fully nested mode ignores the cascade
   * input's in-service bit so a higher slave request can get through.
   */
  int pendingRequest() {
    int requestRank = rank(irr() & ~imr);
    if (requestRank == 8) {
      return -1;
    }
    int inService = isr;
    if (specialMask) {
      inService &= ~imr;
    }
    if (master && specialFullyNested()) {
      for (int pin = 0; pin < 8; pin++) {
        if (cascadesOn(pin)) {
          inService &= ~(1 << pin);
        }
      }
    }
    if (requestRank < rank(inService)) {
      return (requestRank + lowestPriorityPlusOne) & 7;
    }
    return -1;
  }

  private boolean autoEoi() {
    return (icw4 & 0x02) != 0;
  }

  private boolean specialFullyNested() {
    return (icw4 & 0x10) != 0;
  }

  /**
   * The INTA cycle for {@code pin}: sets its ISR bit (unless AEOI, which ends the interrupt at
   * once, rotating if so commanded) and consumes an edge-triggered request.
   */
  void acknowledge(int pin) {
    int bit = 1 << pin;
    if (autoEoi()) {
      if (rotateInAutoEoi) {
        lowestPriorityPlusOne = (pin + 1) & 7;
      }
    } else {
      isr |= bit;
    }
    edgeRequests &= ~bit;
  }

  // --- register interface ---

  /** A write with A0 = 0: ICW1, OCW2 or OCW3 (8259A datasheet, Table 2 "Command Summary"). */
  void writeCommand(int value) {
    if ((value & 0x10) != 0) {
      writeIcw1(value);
    } else if ((value & 0x08) != 0) {
      writeOcw3(value);
    } else {
      writeOcw2(value);
    }
  }

  /** A write with A0 = 1: ICW2, ICW3, ICW4 during initialisation, OCW1 (IMR) otherwise. */
  void writeData(int value) {
    switch (initStep) {
      case 2 -> {
        vectorBase = value & 0xF8; // ICW2 T7..T3; the chip fills in the IR number (8086 mode)
        initStep = !single ? 3 : icw4Needed ? 4 : 0;
      }
      case 3 -> {
        icw3 = value; // master: IRs with a slave; slave: its ID in bits 2..0
        initStep = icw4Needed ? 4 : 0;
      }
      case 4 -> {
        // ICW4: µPM (bit 0, 8086 mode assumed either way), AEOI (1), M/S and BUF (2, 3), SFNM (4).
        icw4 = value & 0x1F;
        initStep = 0;
      }
      default -> imr = value; // OCW1
    }
  }

  /** A read with A0 = 0: the poll word, or IRR or ISR as OCW3 selected. */
  int readCommand() {
    if (poll) {
      return pollRead();
    }
    return readIsr ? isr : irr();
  }

  /** A read with A0 = 1: the poll word, or IMR. */
  int readData() {
    if (poll) {
      return pollRead();
    }
    return imr;
  }

  private void writeIcw1(int value) {
    // 8259A datasheet, "Initialization Command Words": ICW1 resets the edge sense circuit (a
    // request must make a new low-to-high transition), clears IMR, gives IR7 the lowest priority,
    // clears special mask mode, selects IRR for status reads, and zeroes ICW4 if IC4 = 0.
    // DEVNOTE: ISR is cleared too, as QEMU and KVM do: a re-initialised chip has nothing in
    // service.
    edgeRequests = 0;
    imr = 0;
    isr = 0;
    lowestPriorityPlusOne = 0;
    specialMask = false;
    readIsr = false;
    poll = false;
    rotateInAutoEoi = false;
    icw4 = 0;
    icw4Needed = (value & 0x01) != 0;
    single = (value & 0x02) != 0;
    levelTriggeredMode = (value & 0x08) != 0;
    initStep = 2;
  }

  private void writeOcw2(int value) {
    // 8259A datasheet, OCW2: R, SL, EOI in bits 7..5, level L2..L0 in bits 2..0.
    int level = value & 7;
    switch (value >>> 5) {
      case 0b001 -> nonSpecificEoi(false);
      case 0b101 -> nonSpecificEoi(true);
      case 0b011 -> isr &= ~(1 << level);
      case 0b111 -> {
        isr &= ~(1 << level);
        lowestPriorityPlusOne = (level + 1) & 7;
      }
      case 0b110 -> lowestPriorityPlusOne = (level + 1) & 7; // set priority: L is lowest
      case 0b100 -> rotateInAutoEoi = true;
      case 0b000 -> rotateInAutoEoi = false;
      default -> {} // 0b010: no operation
    }
  }

  private void nonSpecificEoi(boolean rotate) {
    // Resets the highest-priority ISR bit. In special mask mode, ISR bits masked by IMR are not
    // reset by a non-specific EOI (8259A datasheet, "End of Interrupt").
    int candidates = specialMask ? isr & ~imr : isr;
    int rank = rank(candidates);
    if (rank == 8) {
      return;
    }
    int pin = (rank + lowestPriorityPlusOne) & 7;
    isr &= ~(1 << pin);
    if (rotate) {
      lowestPriorityPlusOne = (pin + 1) & 7; // the serviced IR becomes the lowest priority
    }
  }

  private void writeOcw3(int value) {
    // 8259A datasheet, OCW3: ESMM/SMM in bits 6..5, P in bit 2, RR/RIS in bits 1..0.
    if ((value & 0x40) != 0) {
      specialMask = (value & 0x20) != 0;
    }
    if ((value & 0x04) != 0) {
      poll = true;
    }
    if ((value & 0x02) != 0) {
      readIsr = (value & 0x01) != 0;
    }
  }

  /**
   * 8259A datasheet, "The Poll Command": the read after a poll command is an interrupt acknowledge;
   * it returns I (bit 7) and the highest-priority requesting level in bits 2..0.
   */
  private int pollRead() {
    poll = false;
    int pin = pendingRequest();
    if (pin < 0) {
      return 0x00;
    }
    acknowledge(pin);
    return 0x80 | pin;
  }
}
