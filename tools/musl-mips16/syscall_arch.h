/* tools/musl-mips16/syscall_arch.h: musl's system calls for its C files
 * compiled as MIPS16e (tools/cc-mips16.sh puts this folder first in the
 * include path of that attempt only).
 *
 * musl's arch/mips/syscall_arch.h makes each system call with inline
 * MIPS32 assembly (the syscall instruction), which MIPS16e code cannot
 * hold: every file that makes one was compiled as MIPS32, a third larger.
 * Here __syscall0 to __syscall6 call __syscall_mips16 instead, one MIPS32
 * function (tools/musl-mips16/syscall_mips16.s, added to musl's tree by
 * tools/build-musl.sh) with the same result: the return value, or minus
 * the error number. Everything else (the 64-bit argument pairs, the vDSO
 * names, __syscall7) is musl's own header, included below with its
 * inline functions renamed out of the way; a file that still needs MIPS32
 * assembly fails this attempt and is compiled as MIPS32, as before. */
#define __syscall0 __syscall0_mips32
#define __syscall1 __syscall1_mips32
#define __syscall2 __syscall2_mips32
#define __syscall3 __syscall3_mips32
#define __syscall4 __syscall4_mips32
#define __syscall5 __syscall5_mips32
#define __syscall6 __syscall6_mips32
#include_next "syscall_arch.h"
#undef __syscall0
#undef __syscall1
#undef __syscall2
#undef __syscall3
#undef __syscall4
#undef __syscall5
#undef __syscall6

/* Arguments as the o32 calling convention passes them: a to d in $4-$7,
 * e and f on the stack at 16 and 20 bytes, where the kernel reads the
 * fifth and sixth; the number n at 24. */
long __syscall_mips16(long a, long b, long c, long d, long e, long f, long n);

static inline long __syscall0(long n)
{
	return __syscall_mips16(0, 0, 0, 0, 0, 0, n);
}

static inline long __syscall1(long n, long a)
{
	return __syscall_mips16(a, 0, 0, 0, 0, 0, n);
}

static inline long __syscall2(long n, long a, long b)
{
	return __syscall_mips16(a, b, 0, 0, 0, 0, n);
}

static inline long __syscall3(long n, long a, long b, long c)
{
	return __syscall_mips16(a, b, c, 0, 0, 0, n);
}

static inline long __syscall4(long n, long a, long b, long c, long d)
{
	return __syscall_mips16(a, b, c, d, 0, 0, n);
}

static inline long __syscall5(long n, long a, long b, long c, long d, long e)
{
	return __syscall_mips16(a, b, c, d, e, 0, n);
}

static inline long __syscall6(long n, long a, long b, long c, long d, long e,
			      long f)
{
	return __syscall_mips16(a, b, c, d, e, f, n);
}
