/* privilege.c: see privilege.h. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "err.h"
#include "privilege.h"

int privilege_raised(void)
{
	/* Root calling the set-group-ID binary gains nothing: trusted. */
	return getuid() != 0 && (getgid() != getegid() || getuid() != geteuid());
}

/* The system calls themselves: libc's setgid() and setuid() reach every
 * thread through a signal and semaphores (2 KB here, and this program
 * never starts a thread), and an unprivileged setgid() leaves the saved
 * set-group-ID, from which the privilege could be taken back; setresgid()
 * sets all three. 32-bit ARM names the calls with 32-bit IDs so. */
#ifdef SYS_setresgid32
#define SYS_SETRESGID SYS_setresgid32
#define SYS_SETRESUID SYS_setresuid32
#else
#define SYS_SETRESGID SYS_setresgid
#define SYS_SETRESUID SYS_setresuid
#endif

void privilege_drop(void)
{
	long g = (long)getgid(), u = (long)getuid();

	if (getgid() == getegid() && getuid() == geteuid())
		return;
	if (syscall(SYS_SETRESGID, g, g, g) < 0 ||
	    syscall(SYS_SETRESUID, u, u, u) < 0 ||
	    getgid() != getegid() || getuid() != geteuid())
		err_fatal(EX_OSERR_, 1, "unable to give up the set-group-ID "
			  "privilege");
}

void privilege_start(int keep)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	/* What the privileged part creates is the queue's, not shaped by
	 * the caller's umask. */
	if (privilege_raised())
		umask(077);
	/* Every program but sendmail runs with its caller's IDs, root's
	 * daemons too (not with the drop group). */
	if (!keep)
		privilege_drop();
}
