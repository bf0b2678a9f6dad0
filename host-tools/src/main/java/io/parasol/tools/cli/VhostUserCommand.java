package io.parasol.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parasol vhost-user}: Parasol's virtio device models served to vhost-user front ends. */
@Command(
    name = "vhost-user",
    mixinStandardHelpOptions = true,
    description =
        "Serve Parasol's virtio devices to a vhost-user front end (QEMU, Cloud Hypervisor).",
    subcommands = {VhostUserBlkCommand.class})
final class VhostUserCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
