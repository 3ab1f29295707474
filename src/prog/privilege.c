/* privilege.c: see privilege.h. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "err.h"
#include "privilege.h"

int privilege_raised(void)
{
	return getgid() != getegid() || getuid() != geteuid();
}

void privilege_drop(void)
{
	if (!privilege_raised())
		return;
	if (setgid(getgid()) < 0 || setuid(getuid()) < 0 || privilege_raised())
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
	if (!privilege_raised())
		return;
	/* What the privileged part creates is the queue's, not shaped by
	 * the caller's umask. */
	umask(077);
	if (!keep)
		privilege_drop();
}
