package io.parasol.isolation.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.parasol.isolation.CpuIo;
import io.parasol.isolation.EventNotifier;
import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.PartitionConfig;
import io.parasol.isolation.VpExit;
import io.parasol.isolation.X86DescriptorTable;
import io.parasol.isolation.X86EntryState;
import io.parasol.isolation.X86SpecialRegisters;
import io.parasol.machine.irq.ExtIntSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs tiny hand-assembled guests on the real /dev/kvm. Skipped, with the reason printed, where
 * there is no usable KVM. Guest code is loaded at 0x1000; port 0xF4 means "done".
 */
@Tag("kvm")
class KvmGuestTest {
  private static final long CODE = 0x1000;

  private Kvm kvm;
  private KvmPartition partition;

  @BeforeEach
  void openKvm() throws HypervisorException {
    String reason = null;
    if (!Files.exists(Kvm.DEFAULT_DEVICE)) {
      reason = "/dev/kvm does not exist";
    } else if (!Files.isReadable(Kvm.DEFAULT_DEVICE) || !Files.isWritable(Kvm.DEFAULT_DEVICE)) {
      reason = "/dev/kvm is not read-write accessible";
    }
    if (reason != null) {
      System.out.println("SKIPPED KvmGuestTest: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
    kvm = Kvm.open();
  }

  @AfterEach
  void close() {
    if (partition != null) {
      partition.close();
    }
    if (kvm != null) {
      kvm.close();
    }
  }

  private KvmVirtualProcessor realModeGuest(long memoryBytes, byte[] code) throws Exception {
    partition = kvm.createPartition(new PartitionConfig(memoryBytes, 1));
    partition.memory().write(CODE, code);
    KvmVirtualProcessor vp = partition.vp(0);
    X86EntryState.realMode(0, (int) CODE).applyTo(vp);
    return vp;
  }

  /** Runs the vCPU on a platform thread of its own, giving up after 10 s. */
  static VpExit runOnThread(KvmVirtualProcessor vp, CpuIo io) throws Exception {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t =
        Thread.ofPlatform()
            .name("vcpu-test")
            .start(
                () -> {
                  try {
                    result.set(vp.run(io));
                  } catch (Throwable e) {
                    result.set(e);
                  }
                });
    t.join(10_000);
    if (t.isAlive()) {
      vp.requestStop();
      t.join(5_000);
      fail("guest did not finish in 10 s; state:\n" + vp.describeState());
    }
    if (result.get() instanceof Throwable e) {
      throw new AssertionError("run failed", e);
    }
    return (VpExit) result.get();
  }

  @Test
  void portIoReachesCpuIoAndInReturnsItsValue() throws Exception {
    byte[] code = {
      (byte) 0xb8,
      0x34,
      0x12, //         mov    $0x1234,%ax
      (byte) 0xe7,
      0x10, //               out    %ax,$0x10
      (byte) 0xe4,
      0x11, //               in     $0x11,%al
      (byte) 0xe6,
      0x12, //               out    %al,$0x12
      0x66,
      (byte) 0xb8,
      (byte) 0xef,
      (byte) 0xcd,
      (byte) 0xab,
      (byte) 0x89, // mov $0x89abcdef,%eax
      0x66,
      (byte) 0xe7,
      0x14, //         out    %eax,$0x14
      (byte) 0xe5,
      0x15, //               in     $0x15,%ax
      (byte) 0xe7,
      0x16, //               out    %ax,$0x16
      (byte) 0xba,
      (byte) 0xf8,
      0x03, //  mov    $0x3f8,%dx
      (byte) 0xb0,
      0x41, //               mov    $0x41,%al
      (byte) 0xee, //                     out    %al,(%dx)
      (byte) 0xe6,
      (byte) 0xf4, //        out    %al,$0xf4
      (byte) 0xf4, //                     hlt
    };
    KvmVirtualProcessor vp = realModeGuest(0x10000, code);
    RecordingCpuIo io = new RecordingCpuIo(vp);
    io.portReads.put(0x11, 0x5aL);
    io.portReads.put(0x15, 0xbeefL);
    VpExit exit = runOnThread(vp, io);
    assertInstanceOf(VpExit.Stopped.class, exit);
    assertEquals(
        List.of(
            "out 0x10 WORD 0x1234",
            "in 0x11 BYTE -> 0x5a",
            "out 0x12 BYTE 0x5a",
            "out 0x14 DWORD 0x89abcdef",
            "in 0x15 WORD -> 0xbeef",
            "out 0x16 WORD 0xbeef",
            "out 0x3f8 BYTE 0x41"),
        io.events);
    // The stop re-entered KVM_RUN with immediate_exit, which completed the OUT: RIP is past it.
    assertEquals(CODE + 0x1e, vp.getRegisters().rip());
  }

  @Test
  void stringIoIteratesOverTheDataArea() throws Exception {
    byte[] code = {
      (byte) 0xfc, //                     cld
      (byte) 0xbe,
      0x00,
      0x20, //         mov    $0x2000,%si
      (byte) 0xb9,
      0x05,
      0x00, //         mov    $0x5,%cx
      (byte) 0xba,
      0x20,
      0x00, //         mov    $0x20,%dx
      (byte) 0xf3,
      0x6e, //               rep outsb %ds:(%si),(%dx)
      (byte) 0xbf,
      0x00,
      0x30, //         mov    $0x3000,%di
      (byte) 0xb9,
      0x04,
      0x00, //         mov    $0x4,%cx
      (byte) 0xba,
      0x21,
      0x00, //         mov    $0x21,%dx
      (byte) 0xf3,
      0x6c, //               rep insb (%dx),%es:(%di)
      (byte) 0xe6,
      (byte) 0xf4, //        out    %al,$0xf4
      (byte) 0xf4, //                     hlt
    };
    KvmVirtualProcessor vp = realModeGuest(0x10000, code);
    partition.memory().write(0x2000, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    RecordingCpuIo io = new RecordingCpuIo(vp);
    io.portReads.put(0x21, 0x77L);
    assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
    assertEquals(
        List.of(
            "out 0x20 BYTE 0x68",
            "out 0x20 BYTE 0x65",
            "out 0x20 BYTE 0x6c",
            "out 0x20 BYTE 0x6c",
            "out 0x20 BYTE 0x6f",
            "in 0x21 BYTE -> 0x77",
            "in 0x21 BYTE -> 0x77",
            "in 0x21 BYTE -> 0x77",
            "in 0x21 BYTE -> 0x77"),
        io.events);
    assertEquals(0x77777777, partition.memory().readInt(0x3000));
  }

  @Test
  void mmioToUnmappedAddressesReachesCpuIo() throws Exception {
    byte[] code = {
      (byte) 0xb8,
      0x00,
      0x20, //         mov    $0x2000,%ax
      (byte) 0x8e,
      (byte) 0xd8, //        mov    %ax,%ds
      0x66,
      (byte) 0xc7,
      0x06,
      0x10,
      0x00,
      (byte) 0xef,
      (byte) 0xbe,
      (byte) 0xad,
      (byte) 0xde,
      //                                  movl   $0xdeadbeef,0x10
      (byte) 0xc6,
      0x06,
      0x18,
      0x00,
      0x5a, // movb $0x5a,0x18
      (byte) 0xa1,
      0x20,
      0x00, //         mov    0x20,%ax
      (byte) 0xe7,
      0x16, //               out    %ax,$0x16
      0x66,
      (byte) 0xa1,
      0x30,
      0x00, //   mov    0x30,%eax
      0x66,
      (byte) 0xe7,
      0x14, //         out    %eax,$0x14
      (byte) 0xe6,
      (byte) 0xf4, //        out    %al,$0xf4
      (byte) 0xf4, //                     hlt
    };
    // 64 KiB of RAM: DS=0x2000 addresses 0x20000 and up, which is nothing.
    KvmVirtualProcessor vp = realModeGuest(0x10000, code);
    RecordingCpuIo io = new RecordingCpuIo(vp);
    io.mmioReads.put(0x20020L, 0x4321L);
    assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
    assertEquals(
        List.of(
            "mmio write 0x20010 DWORD 0xdeadbeef",
            "mmio write 0x20018 BYTE 0x5a",
            "mmio read 0x20020 WORD -> 0x4321",
            "out 0x16 WORD 0x4321",
            "mmio read 0x20030 DWORD -> 0xffffffff",
            "out 0x14 DWORD 0xffffffff"),
        io.events);
  }

  @Test
  void protectedMode32EntryRuns() throws Exception {
    byte[] code = {
      (byte) 0xb8,
      0x32,
      0x00,
      (byte) 0xfe,
      (byte) 0xca, // mov $0xcafe0032,%eax
      (byte) 0xe7,
      0x14, //                                out %eax,$0x14
      (byte) 0xa1,
      0x00,
      0x20,
      0x00,
      0x00, //              mov 0x2000,%eax
      (byte) 0xe7,
      0x14, //                                out %eax,$0x14
      (byte) 0xe6,
      (byte) 0xf4, //                         out %al,$0xf4
      (byte) 0xf4, //                                      hlt
    };
    partition = kvm.createPartition(new PartitionConfig(0x10000, 1));
    partition.memory().write(CODE, code);
    partition.memory().writeInt(0x2000, 0x600dF00d);
    KvmVirtualProcessor vp = partition.vp(0);
    X86EntryState.protectedMode32(CODE, 0x8000).applyTo(vp);
    RecordingCpuIo io = new RecordingCpuIo(vp);
    assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
    assertEquals(List.of("out 0x14 DWORD 0xcafe0032", "out 0x14 DWORD 0x600df00d"), io.events);
  }

  @Test
  void longMode64EntryRuns() throws Exception {
    byte[] code = {
      0x48,
      (byte) 0xb8,
      (byte) 0x88,
      0x77,
      0x66,
      0x55,
      0x44,
      0x33,
      0x22,
      0x11,
      //                                  movabs $0x1122334455667788,%rax
      (byte) 0xe7,
      0x14, //               out    %eax,$0x14
      0x48,
      (byte) 0xc1,
      (byte) 0xe8,
      0x20, // shr $0x20,%rax
      (byte) 0xe7,
      0x14, //               out    %eax,$0x14
      (byte) 0xe6,
      (byte) 0xf4, //        out    %al,$0xf4
      (byte) 0xf4, //                     hlt
    };
    partition = kvm.createPartition(new PartitionConfig(0x200000, 1));
    partition.memory().write(CODE, code);
    // Identity-map the first 2 MiB: PML4 0x8000 -> PDPT 0x9000 -> PD 0xA000 (one 2 MiB page).
    partition.memory().writeLong(0x8000, 0x9000 | 0x3);
    partition.memory().writeLong(0x9000, 0xA000 | 0x3);
    partition.memory().writeLong(0xA000, 0x0 | 0x83);
    KvmVirtualProcessor vp = partition.vp(0);
    X86EntryState.longMode64(CODE, 0x7000, 0x8000).applyTo(vp);
    RecordingCpuIo io = new RecordingCpuIo(vp);
    VpExit exit = runOnThread(vp, io);
    assertInstanceOf(VpExit.Stopped.class, exit, () -> exit + "\n" + vp.describeState());
    assertEquals(List.of("out 0x14 DWORD 0x55667788", "out 0x14 DWORD 0x11223344"), io.events);
  }

  @Test
  void requestStopInterruptsAHaltedVcpu() throws Exception {
    byte[] code = {
      (byte) 0xfa, //                     cli
      (byte) 0xf4, //                     hlt
      (byte) 0xeb,
      (byte) 0xfd, //        jmp    0x1
    };
    KvmVirtualProcessor vp = realModeGuest(0x10000, code);
    RecordingCpuIo io = new RecordingCpuIo(vp);
    Thread stopper =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    Thread.sleep(300);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  vp.requestStop();
                });
    assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
    stopper.join();
    assertEquals(List.of(), io.events);
    // Still stopped until cleared; after clearing, the next stop works again.
    assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
    vp.clearStopRequest();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              vp.requestStop();
            });
    assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
  }

  @Test
  void invalidStateEndsInTripleFaultOrInternalErrorWithRegisters() throws Exception {
    byte[] code = {0x0f, 0x0b}; //        ud2
    partition = kvm.createPartition(new PartitionConfig(0x10000, 1));
    partition.memory().write(CODE, code);
    KvmVirtualProcessor vp = partition.vp(0);
    X86EntryState.protectedMode32(CODE, 0x8000).applyTo(vp);
    // An empty IDT: #UD cannot be delivered, nor the #GP or #DF that follow: a triple fault.
    X86SpecialRegisters s = vp.getSpecialRegisters();
    vp.setSpecialRegisters(
        new X86SpecialRegisters(
            s.cs(),
            s.ds(),
            s.es(),
            s.fs(),
            s.gs(),
            s.ss(),
            s.tr(),
            s.ldt(),
            s.gdt(),
            new X86DescriptorTable(0, 0),
            s.cr0(),
            s.cr2(),
            s.cr3(),
            s.cr4(),
            s.cr8(),
            s.efer(),
            s.apicBase()));
    VpExit exit = runOnThread(vp, new RecordingCpuIo(vp));
    String registers =
        switch (exit) {
          case VpExit.TripleFault t -> t.registers();
          case VpExit.InternalError e -> e.description() + "\n" + e.registers();
          default -> throw new AssertionError("unexpected " + exit);
        };
    System.out.println("invalid state ended as " + exit.getClass().getSimpleName());
    assertTrue(registers.contains("rip=0000000000001000"), registers);
    assertTrue(registers.contains("cr0="), registers);
  }

  /** The x2APIC guest (real mode): enables its LAPIC, says ready on port 0x10, then sti; hlt. */
  private KvmVirtualProcessor apicGuest() throws Exception {
    byte[] code = new byte[0x71];
    byte[] main = {
      0x66,
      (byte) 0xb9,
      0x1b,
      0x00,
      0x00,
      0x00, //       mov  $0x1b,%ecx (IA32_APIC_BASE)
      0x0f,
      0x32, //                                      rdmsr
      0x66,
      0x0d,
      0x00,
      0x0c,
      0x00,
      0x00, //              or   $0xc00,%eax (EN | EXTD)
      0x0f,
      0x30, //                                      wrmsr
      0x66,
      (byte) 0xb9,
      0x0f,
      0x08,
      0x00,
      0x00, //       mov  $0x80f,%ecx (x2APIC SVR)
      0x66,
      (byte) 0xb8,
      (byte) 0xff,
      0x01,
      0x00,
      0x00, // mov  $0x1ff,%eax (enable, vector 0xff)
      0x66,
      0x31,
      (byte) 0xd2, //                         xor  %edx,%edx
      0x0f,
      0x30, //                                      wrmsr
      (byte) 0xe6,
      0x10, //                               out  %al,$0x10
      (byte) 0xfb, //                                     sti
      (byte) 0xf4, //                                     hlt          (0x24)
      (byte) 0xeb,
      (byte) 0xfd, //                        jmp  0x24
    };
    System.arraycopy(main, 0, code, 0, main.length);
    // Vector stubs at 0x40, 0x48, 0x50: mov $vector,%al; jmp common (0x60).
    byte[][] stubs = {
      {(byte) 0xb0, 0x40, (byte) 0xeb, 0x1c},
      {(byte) 0xb0, 0x41, (byte) 0xeb, 0x14},
      {(byte) 0xb0, 0x42, (byte) 0xeb, 0x0c},
    };
    for (int i = 0; i < stubs.length; i++) {
      System.arraycopy(stubs[i], 0, code, 0x40 + 8 * i, 4);
    }
    byte[] common = {
      (byte) 0xe6,
      0x11, //                               out  %al,$0x11
      0x66,
      (byte) 0xb9,
      0x0b,
      0x08,
      0x00,
      0x00, //       mov  $0x80b,%ecx (x2APIC EOI)
      0x66,
      0x31,
      (byte) 0xc0, //                         xor  %eax,%eax
      0x66,
      0x31,
      (byte) 0xd2, //                         xor  %edx,%edx
      0x0f,
      0x30, //                                      wrmsr
      (byte) 0xcf, //                                     iret
    };
    System.arraycopy(common, 0, code, 0x60, common.length);
    KvmVirtualProcessor vp = realModeGuest(0x10000, code);
    for (int vector = 0x40; vector <= 0x42; vector++) {
      setIvt(vector, (int) CODE + 0x40 + 8 * (vector - 0x40));
    }
    return vp;
  }

  private void setIvt(int vector, int handler) throws Exception {
    partition.memory().writeShort(vector * 4L, (short) handler); // offset
    partition.memory().writeShort(vector * 4L + 2, (short) 0); // segment
  }

  @Test
  void msiIsTakenByAGuestWithAnEnabledX2apic() throws Exception {
    KvmVirtualProcessor vp = apicGuest();
    RecordingCpuIo io = new RecordingCpuIo(vp);
    io.onPortWrite =
        port -> {
          if (port == 0x10) {
            partition.msiTarget().signalMsi(0xFEE0_0000L, 0x40); // fixed, edge, vector 0x40
          } else if (port == 0x11) {
            vp.requestStop();
          }
        };
    assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
    assertEquals(List.of("out 0x10 BYTE 0xff", "out 0x11 BYTE 0x40"), io.events);
  }

  @Test
  void levelTriggeredIoApicRouteReportsEoi() throws Exception {
    List<String> expected = List.of("out 0x10 BYTE 0xff", "out 0x11 BYTE 0x41", "eoi 0x41");
    // One CI run (of several hundred runs of this test) saw the EOI without the handler's port
    // write before it, which nothing in the run loop can drop. It could not be reproduced (800
    // runs, idle and loaded), so a second attempt on a fresh VM is allowed, and the first one's
    // events and exit counts are printed: a real fault fails both.
    String firstAttempt = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      if (partition != null) {
        partition.close();
        partition = null;
      }
      KvmVirtualProcessor vp = apicGuest();
      // Pin 5 -> vector 0x41, level-triggered (MSI data bit 15), as the IOAPIC model routes it.
      partition.setIoApicRoute(5, 0xFEE0_0000L, 0x8041, false);
      partition.setIoApicRoute(6, 0xFEE0_0000L, 0x8042, true); // masked: left out of the table
      RecordingCpuIo io = new RecordingCpuIo(vp);
      io.stopOnEoi = true;
      io.onPortWrite =
          port -> {
            if (port == 0x10) {
              partition.msiTarget().signalMsi(0xFEE0_0000L, 0xC041); // level, assert, 0x41
            }
          };
      VpExit exit = runOnThread(vp, io);
      if (exit instanceof VpExit.Stopped && io.events.equals(expected)) {
        return;
      }
      String report = exit + " " + io.events + "\n" + vp.describeState();
      if (firstAttempt != null) {
        fail("twice not " + expected + ":\n" + firstAttempt + "\n" + report);
      }
      firstAttempt = report;
      System.err.println("levelTriggeredIoApicRouteReportsEoi: first attempt: " + report);
    }
  }

  @Test
  void irqfdDeliversItsMsi() throws Exception {
    KvmVirtualProcessor vp = apicGuest();
    try (EventNotifier irq = partition.irqNotifier(0xFEE0_0000L, 0x42)) {
      RecordingCpuIo io = new RecordingCpuIo(vp);
      io.onPortWrite =
          port -> {
            try {
              if (port == 0x10) {
                irq.signal();
              } else if (port == 0x11) {
                vp.requestStop();
              }
            } catch (HypervisorException e) {
              throw new AssertionError(e);
            }
          };
      assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
      assertEquals(List.of("out 0x10 BYTE 0xff", "out 0x11 BYTE 0x42"), io.events);
    }
  }

  @Test
  void extIntFromAnotherThreadWakesAHaltedVcpu() throws Exception {
    byte[] code = new byte[0x15];
    byte[] main = {
      (byte) 0xfb, //                     sti
      (byte) 0xf4, //                     hlt
      (byte) 0xeb,
      (byte) 0xfd, //        jmp    0x1
    };
    byte[] handler = {
      (byte) 0xb0, 0x30, //               mov    $0x30,%al      (at 0x10)
      (byte) 0xe6, 0x11, //               out    %al,$0x11
      (byte) 0xcf, //                     iret
    };
    System.arraycopy(main, 0, code, 0, main.length);
    System.arraycopy(handler, 0, code, 0x10, handler.length);
    KvmVirtualProcessor vp = realModeGuest(0x10000, code);
    setIvt(0x30, (int) CODE + 0x10);
    AtomicBoolean intr = new AtomicBoolean();
    vp.setExtIntSource(
        new ExtIntSource() {
          @Override
          public boolean interruptPending() {
            return intr.get();
          }

          @Override
          public int acknowledgeInterrupt() {
            intr.set(false);
            return 0x30;
          }
        });
    RecordingCpuIo io = new RecordingCpuIo(vp);
    io.onPortWrite = port -> vp.requestStop();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                Thread.sleep(300); // the guest is asleep in HLT, in the kernel, by now
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              intr.set(true);
              vp.extIntChanged();
            });
    assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
    assertEquals(List.of("out 0x11 BYTE 0x30"), io.events);
  }

  @Test
  void ioeventfdWritesAreCountedNotExited() throws Exception {
    byte[] code = {
      (byte) 0xb0, 0x07, //               mov    $0x7,%al
      (byte) 0xe6, 0x50, //               out    %al,$0x50
      (byte) 0xe6, 0x50, //               out    %al,$0x50
      (byte) 0xb0, 0x09, //               mov    $0x9,%al
      (byte) 0xe6, 0x50, //               out    %al,$0x50
      (byte) 0xe6, 0x51, //               out    %al,$0x51
      (byte) 0xe6, (byte) 0xf4, //        out    %al,$0xf4
      (byte) 0xf4, //                     hlt
    };
    KvmVirtualProcessor vp = realModeGuest(0x10000, code);
    try (EventNotifier any = partition.ioEventNotifier(false, 0x50, 1, OptionalLong.empty());
        EventNotifier nines = partition.ioEventNotifier(false, 0x51, 1, OptionalLong.of(9))) {
      assertEquals(0, any.poll());
      RecordingCpuIo io = new RecordingCpuIo(vp);
      assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
      assertEquals(List.of(), io.events);
      assertEquals(3, any.poll());
      assertEquals(0, any.poll());
      assertEquals(1, nines.await());
    }
  }

  @Test
  void closedIoeventfdNoLongerSwallowsWrites() throws Exception {
    byte[] code = {
      (byte) 0xe6,
      0x50, //               out    %al,$0x50
      (byte) 0xe6,
      (byte) 0xf4, //        out    %al,$0xf4
      (byte) 0xf4, //                     hlt
    };
    KvmVirtualProcessor vp = realModeGuest(0x10000, code);
    partition.ioEventNotifier(false, 0x50, 1, OptionalLong.empty()).close();
    RecordingCpuIo io = new RecordingCpuIo(vp);
    assertInstanceOf(VpExit.Stopped.class, runOnThread(vp, io));
    assertEquals(List.of("out 0x50 BYTE 0x0"), io.events);
  }

  @Test
  void memoryAboveTheHoleIsAtFourGib() throws Exception {
    partition = kvm.createPartition(new PartitionConfig(0x300000, 1, 0x100000).withSharedMemory());
    assertEquals(2, partition.memoryRegions().size());
    MemoryRegionFd high = partition.memoryRegions().get(1);
    assertEquals(PartitionConfig.FOUR_GIB, high.gpa());
    assertEquals(0x200000, high.sizeBytes());
    assertEquals(0x100000, high.fdOffset());
    partition.memory().writeLong(PartitionConfig.FOUR_GIB + 8, 42);
    assertEquals(42, partition.memory().readLong(PartitionConfig.FOUR_GIB + 8));
    assertTrue(!partition.memory().isRam(0x100000, 1));
  }

  @Test
  void privateRamIsHugePageAlignedAndAdvisedForTransparentHugePages() throws Exception {
    partition = kvm.createPartition(new PartitionConfig(0x600000, 1, 0x400000));
    long low = partition.memory().slice(0, 1).address();
    long high = partition.memory().slice(PartitionConfig.FOUR_GIB, 1).address();
    assertEquals(0, low % KvmPartition.HUGE_PAGE, Long.toHexString(low));
    assertEquals(0, high % KvmPartition.HUGE_PAGE, Long.toHexString(high));
    partition.memory().writeLong(PartitionConfig.FOUR_GIB + 8, 42);
    assertEquals(42, partition.memory().readLong(PartitionConfig.FOUR_GIB + 8));
    assertThrows(IllegalStateException.class, partition::memoryRegions);
    // smaps names the advice: "hg" in VmFlags is MADV_HUGEPAGE (proc(5)).
    String smaps = Files.readString(Path.of("/proc/self/smaps"));
    String header = String.format("%x-%x ", low, low + 0x400000);
    int at = smaps.indexOf(header);
    assertTrue(at >= 0, "no mapping " + header + "in smaps");
    int flags = smaps.indexOf("VmFlags:", at);
    String vmFlags = smaps.substring(flags, smaps.indexOf('\n', flags));
    assertTrue(vmFlags.contains(" hg"), vmFlags);
  }

  @Test
  void registersAndMsrsRoundTrip() throws Exception {
    partition = kvm.createPartition(new PartitionConfig(0x10000, 1));
    KvmVirtualProcessor vp = partition.vp(0);
    vp.setRegisters(io.parasol.isolation.X86Registers.atEntry(0x1234).withRsi(0x55));
    assertEquals(0x1234, vp.getRegisters().rip());
    assertEquals(0x55, vp.getRegisters().rsi());
    vp.setMsr(0x174, 0x10); // IA32_SYSENTER_CS
    assertEquals(0x10, vp.getMsr(0x174));
    assertEquals(416, vp.getFpuState().length);
    assertTrue(vp.describeState().contains("rip=0000000000001234"));
  }

  @Test
  void createVcpuWithABadIndexFailsWithANamedErrno() throws Exception {
    partition = kvm.createPartition(new PartitionConfig(0x10000, 1));
    HypervisorException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            HypervisorException.class, () -> partition.createVcpuFd(0));
    // vCPU 0 exists already.
    assertTrue(
        e.getMessage().matches("KVM_CREATE_VCPU\\(0\\) failed: E[A-Z]+ \\(\\d+\\)"),
        e.getMessage());
    HypervisorException huge =
        org.junit.jupiter.api.Assertions.assertThrows(
            HypervisorException.class, () -> partition.createVcpuFd(1 << 30));
    assertEquals("KVM_CREATE_VCPU(1073741824) failed: EINVAL (22)", huge.getMessage());
  }

  @Test
  void missingDeviceSaysThereIsNoKvm() {
    Path missing = Path.of("/nonexistent/kvm");
    HypervisorException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            HypervisorException.class, () -> Kvm.open(missing));
    assertEquals(
        "/nonexistent/kvm does not exist: this host has no KVM (load kvm_intel/kvm_amd, or run"
            + " where hardware virtualisation is available)",
        e.getMessage());
  }
}
