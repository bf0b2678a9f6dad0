package io.parasol.isolation.kvm.sys;

/**
 * The KVM ABI for x86-64 as numbers: ioctl requests, capabilities, exit reasons and the byte
 * offsets and sizes of the structs passed through them. Every value was checked against {@code
 * <linux/kvm.h>} and {@code <asm/kvm.h>} (Linux UAPI, API version 12) with a C program printing
 * {@code offsetof}, {@code sizeof} and the request macros; the comment names the struct.
 */
public final class KvmAbi {
  private KvmAbi() {}

  /** KVM_GET_API_VERSION must return this. */
  public static final int API_VERSION = 12;

  // ---- ioctls on /dev/kvm
  public static final long KVM_GET_API_VERSION = 0xAE00L;
  public static final long KVM_CREATE_VM = 0xAE01L;
  public static final long KVM_CHECK_EXTENSION = 0xAE03L;
  public static final long KVM_GET_VCPU_MMAP_SIZE = 0xAE04L;
  public static final long KVM_GET_SUPPORTED_CPUID = 0xC008AE05L;

  // ---- ioctls on a VM fd
  public static final long KVM_CREATE_VCPU = 0xAE41L;
  public static final long KVM_SET_USER_MEMORY_REGION = 0x4020AE46L;
  public static final long KVM_SET_TSS_ADDR = 0xAE47L;
  public static final long KVM_SET_IDENTITY_MAP_ADDR = 0x4008AE48L;
  public static final long KVM_ENABLE_CAP = 0x4068AEA3L;
  public static final long KVM_SIGNAL_MSI = 0x4020AEA5L;
  public static final long KVM_SET_GSI_ROUTING = 0x4008AE6AL;
  public static final long KVM_IOEVENTFD = 0x4040AE79L;
  public static final long KVM_IRQFD = 0x4020AE76L;

  // ---- ioctls on a vCPU fd
  public static final long KVM_RUN = 0xAE80L;
  public static final long KVM_GET_REGS = 0x8090AE81L;
  public static final long KVM_SET_REGS = 0x4090AE82L;
  public static final long KVM_GET_SREGS = 0x8138AE83L;
  public static final long KVM_SET_SREGS = 0x4138AE84L;
  public static final long KVM_INTERRUPT = 0x4004AE86L;
  public static final long KVM_GET_MSRS = 0xC008AE88L;
  public static final long KVM_SET_MSRS = 0x4008AE89L;
  public static final long KVM_SET_SIGNAL_MASK = 0x4004AE8BL;
  public static final long KVM_GET_FPU = 0x81A0AE8CL;
  public static final long KVM_SET_FPU = 0x41A0AE8DL;
  public static final long KVM_SET_CPUID2 = 0x4008AE90L;

  // ---- capabilities (KVM_CHECK_EXTENSION / KVM_ENABLE_CAP)
  public static final int KVM_CAP_USER_MEMORY = 3;
  public static final int KVM_CAP_SET_TSS_ADDR = 4;
  public static final int KVM_CAP_EXT_CPUID = 7;
  public static final int KVM_CAP_NR_VCPUS = 9;
  public static final int KVM_CAP_IRQ_ROUTING = 25;
  public static final int KVM_CAP_IRQFD = 32;
  public static final int KVM_CAP_IOEVENTFD = 36;
  public static final int KVM_CAP_SET_IDENTITY_MAP_ADDR = 37;
  public static final int KVM_CAP_MAX_VCPUS = 66;
  public static final int KVM_CAP_TSC_DEADLINE_TIMER = 72;
  public static final int KVM_CAP_SIGNAL_MSI = 77;
  public static final int KVM_CAP_READONLY_MEM = 81;
  public static final int KVM_CAP_SPLIT_IRQCHIP = 121;
  public static final int KVM_CAP_X2APIC_API = 129;
  public static final int KVM_CAP_IMMEDIATE_EXIT = 136;

  // ---- exit reasons (struct kvm_run.exit_reason)
  public static final int KVM_EXIT_UNKNOWN = 0;
  public static final int KVM_EXIT_EXCEPTION = 1;
  public static final int KVM_EXIT_IO = 2;
  public static final int KVM_EXIT_HYPERCALL = 3;
  public static final int KVM_EXIT_DEBUG = 4;
  public static final int KVM_EXIT_HLT = 5;
  public static final int KVM_EXIT_MMIO = 6;
  public static final int KVM_EXIT_IRQ_WINDOW_OPEN = 7;
  public static final int KVM_EXIT_SHUTDOWN = 8;
  public static final int KVM_EXIT_FAIL_ENTRY = 9;
  public static final int KVM_EXIT_INTR = 10;
  public static final int KVM_EXIT_INTERNAL_ERROR = 17;
  public static final int KVM_EXIT_SYSTEM_EVENT = 24;
  public static final int KVM_EXIT_IOAPIC_EOI = 26;

  public static final int KVM_EXIT_IO_IN = 0;
  public static final int KVM_EXIT_IO_OUT = 1;

  public static final int KVM_INTERNAL_ERROR_EMULATION = 1;
  public static final int KVM_INTERNAL_ERROR_SIMUL_EX = 2;
  public static final int KVM_INTERNAL_ERROR_DELIVERY_EV = 3;
  public static final int KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON = 4;

  public static final int KVM_SYSTEM_EVENT_SHUTDOWN = 1;
  public static final int KVM_SYSTEM_EVENT_RESET = 2;
  public static final int KVM_SYSTEM_EVENT_CRASH = 3;

  // ---- struct kvm_run (the mmap'ed vCPU page)
  public static final long RUN_REQUEST_INTERRUPT_WINDOW = 0; // __u8
  public static final long RUN_IMMEDIATE_EXIT = 1; // __u8
  public static final long RUN_EXIT_REASON = 8; // __u32
  public static final long RUN_READY_FOR_INTERRUPT_INJECTION = 12; // __u8
  public static final long RUN_IF_FLAG = 13; // __u8
  public static final long RUN_CR8 = 16; // __u64
  public static final long RUN_APIC_BASE = 24; // __u64

  /** Start of the exit-reason union. */
  public static final long RUN_EXIT = 32;

  public static final long RUN_IO_DIRECTION = 32; // __u8
  public static final long RUN_IO_SIZE = 33; // __u8
  public static final long RUN_IO_PORT = 34; // __u16
  public static final long RUN_IO_COUNT = 36; // __u32
  public static final long RUN_IO_DATA_OFFSET = 40; // __u64, relative to kvm_run

  public static final long RUN_MMIO_PHYS_ADDR = 32; // __u64
  public static final long RUN_MMIO_DATA = 40; // __u8[8]
  public static final long RUN_MMIO_LEN = 48; // __u32
  public static final long RUN_MMIO_IS_WRITE = 52; // __u8

  public static final long RUN_SYSTEM_EVENT_TYPE = 32; // __u32
  public static final long RUN_SYSTEM_EVENT_NDATA = 36; // __u32
  public static final long RUN_SYSTEM_EVENT_DATA = 40; // __u64[16]

  public static final long RUN_INTERNAL_SUBERROR = 32; // __u32
  public static final long RUN_INTERNAL_NDATA = 36; // __u32
  public static final long RUN_INTERNAL_DATA = 40; // __u64[16]

  public static final long RUN_FAIL_ENTRY_REASON = 32; // __u64 hardware_entry_failure_reason
  public static final long RUN_FAIL_ENTRY_CPU = 40; // __u32

  public static final long RUN_EOI_VECTOR = 32; // __u8

  // ---- struct kvm_regs: 18 __u64 in the order rax rbx rcx rdx rsi rdi rsp rbp r8..r15 rip rflags
  public static final long REGS_SIZE = 144;

  // ---- struct kvm_segment (24 bytes)
  public static final long SEGMENT_SIZE = 24;
  public static final long SEG_BASE = 0; // __u64
  public static final long SEG_LIMIT = 8; // __u32
  public static final long SEG_SELECTOR = 12; // __u16
  public static final long SEG_TYPE = 14; // __u8, then present dpl db s l g avl unusable
  public static final long SEG_PRESENT = 15;
  public static final long SEG_DPL = 16;
  public static final long SEG_DB = 17;
  public static final long SEG_S = 18;
  public static final long SEG_L = 19;
  public static final long SEG_G = 20;
  public static final long SEG_AVL = 21;
  public static final long SEG_UNUSABLE = 22;

  // ---- struct kvm_dtable { __u64 base; __u16 limit; __u16 padding[3]; } (16 bytes)
  public static final long DTABLE_BASE = 0;
  public static final long DTABLE_LIMIT = 8;

  // ---- struct kvm_sregs (312 bytes)
  public static final long SREGS_SIZE = 312;
  public static final long SREGS_CS = 0;
  public static final long SREGS_DS = 24;
  public static final long SREGS_ES = 48;
  public static final long SREGS_FS = 72;
  public static final long SREGS_GS = 96;
  public static final long SREGS_SS = 120;
  public static final long SREGS_TR = 144;
  public static final long SREGS_LDT = 168;
  public static final long SREGS_GDT = 192;
  public static final long SREGS_IDT = 208;
  public static final long SREGS_CR0 = 224;
  public static final long SREGS_CR2 = 232;
  public static final long SREGS_CR3 = 240;
  public static final long SREGS_CR4 = 248;
  public static final long SREGS_CR8 = 256;
  public static final long SREGS_EFER = 264;
  public static final long SREGS_APIC_BASE = 272;
  public static final long SREGS_INTERRUPT_BITMAP = 280; // __u64[4]

  // ---- struct kvm_fpu (416 bytes)
  public static final long FPU_SIZE = 416;

  // ---- struct kvm_msrs { __u32 nmsrs; __u32 pad; struct kvm_msr_entry entries[]; }
  public static final long MSRS_HEADER_SIZE = 8;
  // struct kvm_msr_entry { __u32 index; __u32 reserved; __u64 data; }
  public static final long MSR_ENTRY_SIZE = 16;
  public static final long MSR_ENTRY_DATA = 8;

  // ---- struct kvm_cpuid2 { __u32 nent; __u32 padding; struct kvm_cpuid_entry2 entries[]; }
  public static final long CPUID2_HEADER_SIZE = 8;
  // struct kvm_cpuid_entry2 { function index flags eax ebx ecx edx padding[3] } (40 bytes)
  public static final long CPUID_ENTRY_SIZE = 40;
  public static final long CPUID_FUNCTION = 0;
  public static final long CPUID_INDEX = 4;
  public static final long CPUID_FLAGS = 8;
  public static final long CPUID_EAX = 12;
  public static final long CPUID_EBX = 16;
  public static final long CPUID_ECX = 20;
  public static final long CPUID_EDX = 24;
  public static final int KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1;

  // ---- struct kvm_userspace_memory_region
  //      { slot flags guest_phys_addr memory_size userspace_addr } (32 bytes)
  public static final long MEMORY_REGION_SIZE = 32;
  public static final long MR_SLOT = 0; // __u32
  public static final long MR_FLAGS = 4; // __u32
  public static final long MR_GUEST_PHYS_ADDR = 8; // __u64
  public static final long MR_MEMORY_SIZE = 16; // __u64
  public static final long MR_USERSPACE_ADDR = 24; // __u64

  // ---- struct kvm_msi { address_lo address_hi data flags devid pad[12] } (32 bytes)
  public static final long MSI_SIZE = 32;
  public static final long MSI_ADDRESS_LO = 0;
  public static final long MSI_ADDRESS_HI = 4;
  public static final long MSI_DATA = 8;

  // ---- struct kvm_irq_routing { __u32 nr; __u32 flags; entries[] }
  public static final long IRQ_ROUTING_HEADER_SIZE = 8;
  // struct kvm_irq_routing_entry { gsi type flags pad union u (32 bytes) } (48 bytes)
  public static final long IRQ_ROUTING_ENTRY_SIZE = 48;
  public static final long IRE_GSI = 0;
  public static final long IRE_TYPE = 4;
  public static final long IRE_MSI_ADDRESS_LO = 16;
  public static final long IRE_MSI_ADDRESS_HI = 20;
  public static final long IRE_MSI_DATA = 24;
  public static final int KVM_IRQ_ROUTING_MSI = 2;

  // ---- struct kvm_ioeventfd { datamatch addr len fd flags pad[36] } (64 bytes)
  public static final long IOEVENTFD_SIZE = 64;
  public static final long IOEVENTFD_DATAMATCH = 0; // __u64
  public static final long IOEVENTFD_ADDR = 8; // __u64
  public static final long IOEVENTFD_LEN = 16; // __u32
  public static final long IOEVENTFD_FD = 20; // __s32
  public static final long IOEVENTFD_FLAGS = 24; // __u32
  public static final int KVM_IOEVENTFD_FLAG_DATAMATCH = 1;
  public static final int KVM_IOEVENTFD_FLAG_PIO = 2;
  public static final int KVM_IOEVENTFD_FLAG_DEASSIGN = 4;

  // ---- struct kvm_irqfd { fd gsi flags resamplefd pad[16] } (32 bytes)
  public static final long IRQFD_SIZE = 32;
  public static final long IRQFD_FD = 0;
  public static final long IRQFD_GSI = 4;
  public static final long IRQFD_FLAGS = 8;
  public static final int KVM_IRQFD_FLAG_DEASSIGN = 1;

  // ---- struct kvm_enable_cap { cap flags args[4] pad[64] } (104 bytes)
  public static final long ENABLE_CAP_SIZE = 104;
  public static final long ENABLE_CAP_CAP = 0;
  public static final long ENABLE_CAP_ARGS = 8;

  // ---- struct kvm_signal_mask { __u32 len; __u8 sigset[]; }, len = the kernel's sigset_t: 8
  public static final int KERNEL_SIGSET_BYTES = 8;
}
