package io.parasol.isolation;

/** The GDTR or IDTR: a linear base and a limit. */
public record X86DescriptorTable(long base, int limit) {
  @Override
  public String toString() {
    return String.format("base=%016x limit=%04x", base, limit);
  }
}
