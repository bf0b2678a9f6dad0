package io.parasol.tpm.command.ea;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §23 "Enhanced Authorization (EA) Commands". */
public final class EaCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new PolicySigned(), // §23.3
        new PolicySecret(), // §23.4
        new PolicyTicket(), // §23.5
        new PolicyOr(), // §23.6
        new PolicyPcr(), // §23.7
        new PolicyLocality(), // §23.8
        new PolicyNv(), // §23.9
        new PolicyCounterTimer(), // §23.10
        new PolicyCommandCode(), // §23.11
        new PolicyPhysicalPresence(), // §23.12
        new PolicyCpHash(), // §23.13
        new PolicyNameHash(), // §23.14
        new PolicyDuplicationSelect(), // §23.15
        new PolicyAuthorize(), // §23.16
        new PolicyAuthValue(), // §23.17
        new PolicyPassword(), // §23.18
        new PolicyGetDigest(), // §23.19
        new PolicyNvWritten()); // §23.20
  }
}
