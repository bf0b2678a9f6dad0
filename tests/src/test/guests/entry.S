/*
 * Parasol test guests: image header and 32-bit entry.
 *
 * Entered at GUEST_LOAD_GPA in 32-bit protected mode, paging off, IF=0 (see
 * platform.h for the whole loader contract). The KVM default GDTR/IDTR are not
 * usable, so load our own GDT (0x08 flat code, 0x10 flat data) and IDT first.
 */
#include "platform.h"

	.section .text.head, "ax"
	.code32
	.globl _start, guest_header_param
_start:
	jmp	1f			/* +0x00: 2 bytes */
	.balign	4, 0x90			/* +0x02: padding */
	.long	GUEST_HEADER_MAGIC	/* +0x04 */
guest_header_param:
	.long	0			/* +0x08: written by the loader */
	.long	GUEST_HEADER_VERSION	/* +0x0C */
1:
	cli
	cld
	lgdt	gdt_descriptor
	ljmp	$0x08, $2f
2:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$GUEST_STACK_TOP, %esp

	/* The loader copies the flat image only: clear .bss ourselves. */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	call	idt_init
	call	guest_main
	call	done			/* never returns */
3:	cli
	hlt
	jmp	3b

/*
 * 256 interrupt stubs, ISR_STUB_SIZE (16) bytes apart, each pushing an error
 * code (a dummy 0 where the CPU pushes none) and its vector number.
 */
	.section .text
	.globl isr_stubs
	.balign 16
isr_stubs:
	.set	vec, 0
	.rept	256
	.balign	16, 0xcc
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushl	$0
	.endif
	pushl	$vec
	jmp	isr_common
	.set	vec, vec + 1
	.endr

isr_common:
	pushal
	cld
	pushl	%esp			/* struct isr_frame * */
	call	isr_dispatch
	addl	$4, %esp
	popal
	addl	$8, %esp		/* vector and error code */
	/*
	 * Return without IRET. On kvm_pvm, ring-0 guest code runs in KVM's
	 * instruction emulator, which emulates IRET in real mode only
	 * (KVM_EXIT_INTERNAL_ERROR, suberror EMULATION, in protected mode).
	 * The frame is EIP, CS, EFLAGS with no privilege change and CS is
	 * always 0x08, so reorder it to EFLAGS, EIP and use POPF; RET, putting
	 * IF back with STI so its one-instruction shadow covers the RET and no
	 * interrupt nests before the frame is gone. Correct on any x86 too.
	 */
	pushl	%eax			/* eax, EIP, CS, EFLAGS */
	movl	12(%esp), %eax
	movl	%eax, 8(%esp)		/* eax, EIP, EFLAGS, EFLAGS */
	movl	4(%esp), %eax
	movl	%eax, 12(%esp)		/* eax, EIP, EFLAGS, EIP */
	popl	%eax
	addl	$4, %esp		/* EFLAGS, EIP */
	btrl	$9, (%esp)		/* CF = saved IF; return with IF=0 ... */
	jnc	4f
	popfl
	sti				/* ... and set it here if it was set */
	ret
4:	popfl
	ret

	.section .rodata
	.balign 8
gdt:
	.quad	0			/* 0x00 null */
	.quad	0x00CF9A000000FFFF	/* 0x08 code: base 0, limit 4 GiB, 32-bit, DPL 0 */
	.quad	0x00CF92000000FFFF	/* 0x10 data: base 0, limit 4 GiB, DPL 0 */
gdt_end:
	.balign 4
	.word	0			/* keeps the 6-byte descriptor's base aligned */
gdt_descriptor:
	.word	gdt_end - gdt - 1
	.long	gdt

	.section .note.GNU-stack, "", @progbits
