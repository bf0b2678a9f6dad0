package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.state.TpmStateCorruptException;
import io.parasol.tpm.state.TpmStateException;
import io.parasol.tpm.state.TpmStateFormatException;
import io.parasol.tpm.state.TpmStateKeyException;
import io.parasol.tpm.state.TpmStateRollbackException;
import io.parasol.tpm.state.TpmStateWrongKeyException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parasol tpm serve}'s option checks and exit codes; serving is tested in tests/. */
class TpmServeCommandTest {

  @Test
  void helpNamesTheOptionsAndTheExitCodes() {
    MainTest.Result r = MainTest.parasol("tpm", "serve", "--help");
    assertEquals(0, r.exitCode());
    for (String option :
        new String[] {"--state", "--key-file", "--mssim", "--swtpm", "--ctrl", "--ephemeral"}) {
      assertTrue(r.out().contains(option), option + " in\n" + r.out());
    }
    assertTrue(r.out().contains("3 the state is older than"), r.out());
  }

  @Test
  void stateAndEphemeralAreExclusiveAndOneIsNeeded(@TempDir Path dir) {
    MainTest.Result neither = MainTest.parasol("tpm", "serve", "--mssim", "0");
    assertEquals(2, neither.exitCode());
    assertTrue(neither.err().contains("give either --state DIR or --ephemeral"), neither.err());
    MainTest.Result both =
        MainTest.parasol("tpm", "serve", "--ephemeral", "--state", dir.toString());
    assertEquals(2, both.exitCode());
  }

  @Test
  void badPortsAreUsageErrors() {
    MainTest.Result ctrlAlone = MainTest.parasol("tpm", "serve", "--ephemeral", "--ctrl", "5");
    assertEquals(2, ctrlAlone.exitCode());
    assertTrue(ctrlAlone.err().contains("--ctrl needs --swtpm"), ctrlAlone.err());
    MainTest.Result last = MainTest.parasol("tpm", "serve", "--ephemeral", "--mssim", "65535");
    assertEquals(2, last.exitCode());
    assertTrue(last.err().contains("--mssim 65535 is not a port"), last.err());
  }

  @Test
  void eachStateFailureHasItsExitCode() {
    assertEquals(3, TpmServeCommand.exitCode(new TpmStateRollbackException("r", 1, 2)));
    assertEquals(4, TpmServeCommand.exitCode(new TpmStateCorruptException("c")));
    assertEquals(4, TpmServeCommand.exitCode(new TpmStateFormatException("f", 9)));
    assertEquals(5, TpmServeCommand.exitCode(new TpmStateWrongKeyException("w")));
    assertEquals(5, TpmServeCommand.exitCode(new TpmStateKeyException("k")));
    assertEquals(1, TpmServeCommand.exitCode(new TpmStateException("in use")));
  }
}
