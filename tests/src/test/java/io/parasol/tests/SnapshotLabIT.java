package io.parasol.tests;

import static io.parasol.tests.LabTranscript.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code parasol run} started from its start-up snapshot ({@code scripts/snapshot.sh}: {@code
 * parasol prepare} checkpoints a trained standby JVM with CRIU, {@code run} restores it), in the
 * nested lab as {@link LinuxLabIT}. {@code PARASOL_SNAPSHOT=require} makes a run that could not use
 * the snapshot fail instead of quietly starting a JVM, so these runs prove the restored process did
 * the work: the stock kernel boots with the caller's command line, vCPU count and exit codes;
 * relative paths resolve in the caller's directory, not the standby's; a launcher killed with
 * SIGKILL leaves nothing running; and a damaged snapshot costs only the fallback to an ordinary
 * start.
 */
@Tag("lab")
@Execution(ExecutionMode.CONCURRENT) // beside the other lab sessions: see tests/pom.xml
class SnapshotLabIT {
  private static final long LAB_TIME_LIMIT_SECONDS = 600;
  private static String transcript;

  private static final String SCRIPT =
      LabSession.RUN_FUNCTION
          + """
      root=$PWD
      echo "== PREPARE"
      ./parasol prepare 2>&1
      echo "== PREPARED status=$?"
      RUN_PREFIX="env PARASOL_SNAPSHOT=require"
      run facts 300 initramfs.cpio.gz --tpm none --cpus 2 --cmdline "console=ttyS0 quiet parasol.test=facts"
      run reboot 300 initramfs.cpio.gz --no-reboot --tpm none --cmdline "console=ttyS0 quiet parasol.test=reboot"
      # From another directory, with relative paths, on the snapshot with a vTPM (the guest's
      # tpm-tools test reboots once to read an NV index back: Parasol boots it again).
      mkdir -p /tmp/elsewhere
      ln -sf $root/target/images/vmlinuz $root/target/images/initramfs-tpm.cpio.gz /tmp/elsewhere/
      echo "== RUN elsewhere start=$(date +%s)"
      (cd /tmp/elsewhere && PARASOL_SNAPSHOT=require $root/parasol run --memory 512M \
        --kernel vmlinuz --initrd initramfs-tpm.cpio.gz --tpm-state vtpm \
        --cmdline "console=ttyS0 quiet parasol.test=tpm-tools" < /dev/null 2>&1)
      echo "== RUN elsewhere exit=$? end=$(date +%s) killed=no"
      echo "vtpm-state-in-caller-directory=$(ls /tmp/elsewhere/vtpm | wc -l)"
      # SIGKILL for the launcher two seconds into a boot: its VM must not run on.
      PARASOL_SNAPSHOT=require ./parasol run --memory 512M --tpm none \
        --kernel target/images/vmlinuz --initrd target/images/initramfs.cpio.gz \
        --cmdline "console=ttyS0 quiet" < /dev/null > /tmp/killed.log 2>&1 &
      launcher=$!
      sleep 2; kill -9 $launcher; wait $launcher 2>/dev/null
      left=1
      for i in $(seq 1 30); do
        left=$(pgrep -fc "criu restor[e]|tools[.]cli[.]Mai[n]" || true)
        [ "$left" = 0 ] && break
        sleep 1
      done
      echo "after-kill-left=$left seconds=$i"
      # A damaged snapshot: the run falls back to starting a JVM; with =require it fails.
      mv host-tools/target/snapshot-no-tpm/img/pages-1.img /tmp/pages-1.img
      RUN_PREFIX=
      run damaged 300 initramfs.cpio.gz --tpm none --cmdline "console=ttyS0 quiet parasol.test=poweroff"
      RUN_PREFIX="env PARASOL_SNAPSHOT=require"
      run damaged-required 300 initramfs.cpio.gz --tpm none --cmdline "console=ttyS0 quiet parasol.test=poweroff"
      """;

  @BeforeAll
  static void bootInTheLab() throws Exception {
    transcript = LabSession.run(SCRIPT, LAB_TIME_LIMIT_SECONDS);
  }

  private static String completedSection(String name) {
    return LabTranscript.completedSection(transcript, name);
  }

  private static String bootedRun(String name, int exitCode) {
    return LabTranscript.bootedRun(transcript, name, exitCode);
  }

  @Test
  void prepareMakesASnapshotWithAndWithoutTheVtpm() {
    assertTrue(transcript.contains("== PREPARED status=0"), transcript);
    assertTrue(transcript.contains("parasol: start-up snapshot with-tpm: "), transcript);
    assertTrue(transcript.contains("parasol: start-up snapshot no-tpm: "), transcript);
  }

  @Test
  void theRestoredRunBootsTheStockKernelWithTheCallersOptions() {
    String run = bootedRun("facts", 0);
    // The standby trained with one vCPU; the caller asked for two.
    assertEquals(2, field(run, "nproc=(\\d+)"), run);
  }

  @Test
  void theRestoredRunReportsTheGuestsResetAsItsExitCode() {
    bootedRun("reboot", 10);
  }

  @Test
  void relativePathsAreTheCallersAndTheVtpmWorks() {
    String run = bootedRun("elsewhere", 0);
    assertTrue(run.contains("tpm-driver=tpm_crb"), run);
    assertTrue(run.contains("nv-after-reboot=70617261736f6c2d6e762d76616c7565"), run);
    assertTrue(run.contains("PARASOL-TEST-EXIT tpm-tools 0"), run);
    assertTrue(field(transcript, "vtpm-state-in-caller-directory=(\\d+)") > 0, transcript);
  }

  @Test
  void aKilledLauncherLeavesNoVmRunning() {
    assertEquals(0, field(transcript, "after-kill-left=(\\d+)"), transcript);
  }

  @Test
  void aDamagedSnapshotFallsBackToAFreshJvm() {
    String run = bootedRun("damaged", 0);
    assertTrue(run.contains("the start-up snapshot did not restore"), run);
    String required = completedSection("damaged-required");
    assertTrue(required.contains("PARASOL_SNAPSHOT=require"), required);
    assertFalse(required.contains("PARASOL-GUEST-UP"), required);
    assertEquals(1, field(required, "exit=(\\d+)"), required);
  }
}
