/*
 * kvm-exit-loop: the C baseline for Parasol's port-I/O exit benchmark.
 *
 * Runs the portio-bench test guest (tests/src/test/guests/portio-bench.c)
 * exactly as Parasol loads it: flat binary at guest-physical 0x100000, 32-bit
 * protected mode, flat CS=0x08 / DS..SS=0x10, EIP=0x100000, ESP=0x9F000,
 * IF=0, split irqchip (local APIC in the kernel, as Parasol's KVM backend
 * sets it up), and the exit count N written to the image header at 0x100008.
 * Each exit on the bench port goes to a null handler; COM1 and PM1a_CNT are
 * handled just enough to let the guest finish.
 *
 * Prints, timed with CLOCK_MONOTONIC from the first bench exit to the last
 * (as Parasol's null device times itself), divided by the N-1 round trips:
 *   c_ns_per_exit=<float> exits=<N>
 *
 * Usage: kvm-exit-loop [--no-irqchip] --exits N portio-bench.bin
 * Build: gcc -O2 -o kvm-exit-loop kvm-exit-loop.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Keep in step with tests/src/test/guests/platform.h. */
#define GUEST_RAM_BYTES    (32u << 20)
#define GUEST_LOAD_GPA     0x00100000u
#define GUEST_HEADER_MAGIC "PGST"      /* at +0x04 */
#define GUEST_PARAM_OFFSET 0x08u       /* u32 LE */
#define GUEST_STACK_TOP    0x0009F000u
#define BENCH_PORT         0x0EB0
#define COM1_THR           0x3F8
#define COM1_LSR           0x3FD
#define ACPI_PM1A_CNT      0x604
#define ACPI_SLP_EN        0x2000
#define SPLIT_IRQCHIP_PINS 24

static void die(const char *what)
{
	fprintf(stderr, "kvm-exit-loop: %s failed: %s (%d)\n", what, strerror(errno), errno);
	exit(2);
}

static void usage(void)
{
	fprintf(stderr, "usage: kvm-exit-loop [--no-irqchip] --exits N portio-bench.bin\n");
	exit(2);
}

static void load_guest(uint8_t *ram, const char *path, uint32_t exits)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die(path);
	size_t max = GUEST_RAM_BYTES - GUEST_LOAD_GPA;
	size_t n = fread(ram + GUEST_LOAD_GPA, 1, max, f);
	if (ferror(f) || !feof(f) || n < 16) {
		fprintf(stderr, "kvm-exit-loop: %s: not a guest image (size %zu)\n", path, n);
		exit(2);
	}
	fclose(f);
	if (memcmp(ram + GUEST_LOAD_GPA + 4, GUEST_HEADER_MAGIC, 4) != 0) {
		fprintf(stderr, "kvm-exit-loop: %s: no PGST guest header\n", path);
		exit(2);
	}
	memcpy(ram + GUEST_LOAD_GPA + GUEST_PARAM_OFFSET, &exits, sizeof(exits)); /* x86: LE */
}

static void set_protected_mode(int vcpu)
{
	struct kvm_sregs sregs;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	struct kvm_segment code = {
		.base = 0, .limit = 0xFFFFFFFF, .selector = 0x08, .type = 0xB, /* exec/read, accessed */
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
	struct kvm_segment data = code;
	data.selector = 0x10;
	data.type = 0x3; /* read/write, accessed */
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	sregs.cr0 = 0x11; /* PE | ET, paging off */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	struct kvm_regs regs = { .rip = GUEST_LOAD_GPA, .rsp = GUEST_STACK_TOP, .rflags = 0x2 };
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
}

int main(int argc, char **argv)
{
	int split_irqchip = 1;
	long exits_arg = -1;
	const char *image = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-irqchip"))
			split_irqchip = 0;
		else if (!strcmp(argv[i], "--exits") && i + 1 < argc)
			exits_arg = strtol(argv[++i], NULL, 10);
		else if (argv[i][0] != '-' && !image)
			image = argv[i];
		else
			usage();
	}
	if (!image || exits_arg <= 0 || exits_arg > 0xFFFFFFFFL)
		usage();
	uint32_t exits = (uint32_t)exits_arg;

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("open /dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	if (split_irqchip) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { SPLIT_IRQCHIP_PINS } };
		if (ioctl(vm, KVM_ENABLE_CAP, &cap) < 0)
			die("KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP)");
	}
	uint8_t *ram = mmap(NULL, GUEST_RAM_BYTES, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap guest RAM");
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_RAM_BYTES,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	load_guest(ram, image, exits);
	set_protected_mode(vcpu);

	uint64_t bench_exits = 0;
	int powered_off = 0;
	/* Timed like Parasol's null device: from the first bench exit to the last, so
	 * both sides measure the same N-1 round trips and neither boot nor console. */
	struct timespec first = {0, 0}, last = {0, 0};
	while (!powered_off) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			die("KVM_RUN");
		}
		if (run->exit_reason != KVM_EXIT_IO) {
			fprintf(stderr, "kvm-exit-loop: unexpected exit reason %u\n", run->exit_reason);
			return 2;
		}
		uint8_t *data = (uint8_t *)run + run->io.data_offset;
		switch (run->io.port) {
		case BENCH_PORT:
			/* the null device: note when the first and the latest write came */
			clock_gettime(CLOCK_MONOTONIC, bench_exits == 0 ? &first : &last);
			bench_exits++;
			break;
		case COM1_LSR:
			if (run->io.direction == KVM_EXIT_IO_IN)
				*data = 0x60; /* THRE | TEMT */
			break;
		case COM1_THR:
			if (run->io.direction == KVM_EXIT_IO_OUT)
				fputc(*data, stderr); /* guest console, away from the result line */
			break;
		case ACPI_PM1A_CNT:
			if (run->io.direction == KVM_EXIT_IO_OUT && run->io.size == 2 &&
			    (*(uint16_t *)data & ACPI_SLP_EN))
				powered_off = 1;
			break;
		default:
			if (run->io.direction == KVM_EXIT_IO_IN)
				memset(data, 0xFF, (size_t)run->io.size * run->io.count);
			break;
		}
	}

	if (bench_exits != exits) {
		fprintf(stderr, "kvm-exit-loop: guest made %llu bench exits, expected %u\n",
			(unsigned long long)bench_exits, exits);
		return 1;
	}
	if (exits < 2) {
		fprintf(stderr, "kvm-exit-loop: need at least 2 exits to time\n");
		return 1;
	}
	double ns = (double)(last.tv_sec - first.tv_sec) * 1e9 + (double)(last.tv_nsec - first.tv_nsec);
	printf("c_ns_per_exit=%.1f exits=%u\n", ns / (exits - 1), exits);
	return 0;
}
