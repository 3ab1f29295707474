/* dirscan.c: see dirscan.h. */
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "err.h"
#include "dirscan.h"

/* The kernel's struct linux_dirent64, read with the getdents64 system call
 * so that no libc DIR has to be allocated. */
struct dent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

int dirscan(int dirfd, int (*each)(const char *name, void *arg), void *arg)
{
	/* Bytes of entries read per system call. */
	char buf[4096] __attribute__((aligned(8)));
	long n, pos;
	int rc;

	if (lseek(dirfd, 0, SEEK_SET) < 0)
		return E_SYS;
	for (;;) {
		n = syscall(SYS_getdents64, dirfd, buf, sizeof buf);
		if (n < 0)
			return E_SYS;
		if (n == 0)
			return 0;
		for (pos = 0; pos < n;) {
			struct dent64 *d = (struct dent64 *)(void *)(buf + pos);
			pos += d->reclen;
			if (d->name[0] == '.' && (!d->name[1] ||
			    (d->name[1] == '.' && !d->name[2])))
				continue;
			rc = each(d->name, arg);
			if (rc)
				return rc;
		}
	}
}
