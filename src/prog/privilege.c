/* privilege.c: see privilege.h. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "err.h"
#include "privilege.h"

int privilege_raised(void)
{
	/* Root calling the set-group-ID binary gains nothing: trusted. */
	return getuid() != 0 && (getgid() != getegid() || getuid() != geteuid());
}

void privilege_drop(void)
{
	if (getgid() == getegid() && getuid() == geteuid())
		return;
	if (setgid(getgid()) < 0 || setuid(getuid()) < 0 ||
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
