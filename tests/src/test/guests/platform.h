/*
 * Parasol test guests: the platform as the guests see it (PC conventions).
 *
 * Every port, address and magic number the guests depend on is defined here,
 * so the Java side has exactly one place to compare against.
 */
#ifndef PARASOL_GUEST_PLATFORM_H
#define PARASOL_GUEST_PLATFORM_H

/* ---- Loader contract ------------------------------------------------------
 * A guest is a flat binary linked at, and loaded to, guest-physical 0x100000.
 * The vCPU starts there in 32-bit protected mode (flat CS=0x08, DS..GS=0x10,
 * paging off, IF=0, ESP=0x9F000). The first 16 bytes are a header:
 *
 *   +0x00  jmp over the header (2 bytes), 2 bytes of padding
 *   +0x04  u32 GUEST_HEADER_MAGIC, bytes "PGST"
 *   +0x08  u32 parameter, little-endian, written by the loader after loading
 *          (portio-bench: the number of exits N; ignored by other guests;
 *          0 in the image, so a loader that forgets to set it is noticed)
 *   +0x0C  u32 header version (GUEST_HEADER_VERSION)
 */
#define GUEST_LOAD_GPA          0x00100000u
#define GUEST_HEADER_MAGIC      0x54534750u  /* "PGST" little-endian */
#define GUEST_HEADER_PARAM_GPA  (GUEST_LOAD_GPA + 0x08u)
#define GUEST_HEADER_VERSION    1u
#define GUEST_STACK_TOP         0x0009F000u

/* ---- COM1, 16550 UART ---------------------------------------------------- */
#define COM1_BASE   0x3F8
#define UART_THR    0   /* DLAB=0, write */
#define UART_RBR    0   /* DLAB=0, read */
#define UART_DLL    0   /* DLAB=1 */
#define UART_IER    1   /* DLAB=0 */
#define UART_DLM    1   /* DLAB=1 */
#define UART_FCR    2   /* write */
#define UART_IIR    2   /* read */
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define UART_MSR    6
#define UART_SCR    7
#define UART_LCR_DLAB   0x80
#define UART_LSR_THRE   0x20

/* ---- 8259A PIC pair, ELCR ----------------------------------------------- */
#define PIC1_CMD    0x20
#define PIC1_DATA   0x21
#define PIC2_CMD    0xA0
#define PIC2_DATA   0xA1
#define ELCR1       0x4D0
#define ELCR2       0x4D1
#define PIC_EOI     0x20

/* ---- 8254 PIT ------------------------------------------------------------ */
#define PIT_CH0     0x40
#define PIT_CMD     0x43
#define PIT_HZ      1193182u

/* ---- CMOS / MC146818 RTC ------------------------------------------------- */
#define CMOS_INDEX  0x70
#define CMOS_DATA   0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS   0x04
#define RTC_DAY     0x07
#define RTC_MONTH   0x08
#define RTC_YEAR    0x09
#define RTC_REG_A   0x0A
#define RTC_REG_B   0x0B
#define RTC_REG_C   0x0C
#define RTC_REG_D   0x0D
#define CMOS_SHUTDOWN_STATUS 0x0F /* NVRAM byte: the reset guests' reboot marker */
#define CMOS_CENTURY 0x32         /* ACPI FADT CENTURY default */
#define RTC_A_UIP   0x80
#define RTC_B_PIE   0x40
#define RTC_B_DM_BINARY 0x04
#define RTC_B_24H   0x02
#define RTC_C_PF    0x40
#define RTC_D_VRT   0x80

/* ---- i8042 --------------------------------------------------------------- */
#define I8042_DATA      0x60
#define I8042_STATUS    0x64  /* read */
#define I8042_COMMAND   0x64  /* write */
#define I8042_STATUS_IBF 0x02
#define I8042_CMD_PULSE_RESET 0xFE

/* ---- ACPI fixed hardware ------------------------------------------------- */
#define ACPI_PM1A_CNT   0x604  /* 16-bit */
#define ACPI_PM_TMR     0x608  /* 32-bit read, 24 bits valid */
#define ACPI_PM_TMR_HZ  3579545u
/* Sleep type the DSDT's \_S5 package will carry; ACPI 6.5 §4.8.3.2.1 PM1 Control. */
#define SLP_TYP_S5      0
#define ACPI_SLP_EN     (1u << 13)

/* ---- Reset control register ---------------------------------------------- */
#define RESET_CONTROL   0xCF9
#define RESET_CONTROL_SYS_RST 0x02
#define RESET_CONTROL_RST_CPU 0x04

/* ---- PCI configuration mechanism #1 -------------------------------------- */
#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA    0xCFC

/* ---- IOAPIC and local APIC ----------------------------------------------- */
#define IOAPIC_BASE     0xFEC00000u
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN    0x10
#define IOAPIC_REG_VER  0x01
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))
#define IOAPIC_PIN_RTC  8

#define LAPIC_BASE      0xFEE00000u
#define LAPIC_ID        0x020
#define LAPIC_VERSION   0x030
#define LAPIC_TPR       0x080
#define LAPIC_EOI       0x0B0
#define LAPIC_SVR       0x0F0
#define LAPIC_SVR_ENABLE 0x100
#define MSR_IA32_APIC_BASE 0x1B

/* ---- Debug ports ----------------------------------------------------------- */
#define POST_CODE_PORT  0x80
#define DEBUGCON_PORT   0xE9

/* ---- Exit benchmark --------------------------------------------------------
 * An otherwise unused port backed by a null device. Not 0x510/0x511 (QEMU
 * fw_cfg) nor 0x505 (pvpanic), so the benchmark never collides with a device
 * Parasol may grow. Accessed with `out %al,(%dx)`, one byte.
 */
#define BENCH_PORT      0x0EB0

/* ---- Interrupt vectors the guests use ------------------------------------- */
#define VEC_PIC1_BASE   0x20
#define VEC_PIC2_BASE   0x28
#define VEC_RTC_IOAPIC  0x48
#define VEC_SPURIOUS    0xFF

#endif
