/* loop.c: see loop.h. */
#include <errno.h>
#include <time.h>
#include "err.h"
#include "loop.h"

long long loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int loop_poll(struct pollfd *p, unsigned n, long long deadline)
{
	for (;;) {
		long long left = deadline - loop_now_ms();
		int rc;
		if (left <= 0)
			return 0;
		rc = poll(p, n, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return rc;
		if (rc < 0 && errno != EINTR)
			return E_SYS;
	}
}

int loop_wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p;
	int rc;

	p.fd = fd;
	p.events = events;
	p.revents = 0;
	rc = loop_poll(&p, 1, deadline);
	return rc > 0 ? 0 : rc == 0 ? E_TIMEOUT : rc;
}
