package io.parasol.isolation;

/** The general-purpose registers, instruction pointer and flags of an x86-64 vCPU. */
public record X86Registers(
    long rax,
    long rbx,
    long rcx,
    long rdx,
    long rsi,
    long rdi,
    long rsp,
    long rbp,
    long r8,
    long r9,
    long r10,
    long r11,
    long r12,
    long r13,
    long r14,
    long r15,
    long rip,
    long rflags) {

  /** All zero but RFLAGS bit 1 (reserved, always set), at {@code rip}. */
  public static X86Registers atEntry(long rip) {
    return new X86Registers(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, rip, 0x2);
  }

  public X86Registers withRip(long newRip) {
    return new X86Registers(
        rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8, r9, r10, r11, r12, r13, r14, r15, newRip,
        rflags);
  }

  public X86Registers withRsp(long newRsp) {
    return new X86Registers(
        rax, rbx, rcx, rdx, rsi, rdi, newRsp, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rip,
        rflags);
  }

  public X86Registers withRsi(long newRsi) {
    return new X86Registers(
        rax, rbx, rcx, rdx, newRsi, rdi, rsp, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rip,
        rflags);
  }

  @Override
  public String toString() {
    return String.format(
        "rax=%016x rbx=%016x rcx=%016x rdx=%016x%nrsi=%016x rdi=%016x rsp=%016x rbp=%016x%n"
            + "r8 =%016x r9 =%016x r10=%016x r11=%016x%nr12=%016x r13=%016x r14=%016x r15=%016x%n"
            + "rip=%016x rflags=%08x",
        rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rip, rflags);
  }
}
