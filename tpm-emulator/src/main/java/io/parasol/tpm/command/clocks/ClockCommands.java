package io.parasol.tpm.command.clocks;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §29 "Clocks and Timers". */
public final class ClockCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new ReadClock(), // §29.1
        new ClockSet(), // §29.2
        new ClockRateAdjust()); // §29.3
  }
}
