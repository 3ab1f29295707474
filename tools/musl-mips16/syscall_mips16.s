# tools/musl-mips16/syscall_mips16.s: the one system call of musl's
# MIPS16e files (tools/musl-mips16/syscall_arch.h), MIPS32 code, copied
# into musl's tree as src/internal/mips/syscall_mips16.s by
# tools/build-musl.sh.
#
#   long __syscall_mips16(long a, long b, long c, long d,
#                         long e, long f, long n)
#
# a to d arrive in $4-$7 and e, f at 16($sp) and 20($sp): where the o32
# kernel takes a system call's arguments, so nothing moves but the number
# n (at 24($sp)) into $2. The kernel sets $7 on an error, with the positive
# error number in $2: returned negated, as musl's inline system calls do
# (only when positive, as they do). No stack frame, and only registers the
# calling convention lets a callee change ($2, $7 and what the kernel
# clobbers); a restarted call re-executes just the syscall instruction,
# with $2 restored by the kernel.
	.text
	.set	nomips16
	.set	noreorder
	.globl	__syscall_mips16
	.hidden	__syscall_mips16
	.type	__syscall_mips16, @function
	.align	2
__syscall_mips16:
	lw	$2, 24($sp)
	syscall
	beq	$7, $0, 1f
	nop
	blez	$2, 1f
	nop
	subu	$2, $0, $2
1:	jr	$31
	nop
	.size	__syscall_mips16, .-__syscall_mips16
