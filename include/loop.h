/* loop.h: the one way the program waits: poll() until a deadline on the
 * monotonic clock. The SMTP connection and the DNS resolver both wait
 * through it; no alarm(), no sleep(). */
#ifndef LOOP_H
#define LOOP_H

#include <poll.h>

/* Milliseconds on the monotonic clock. */
long long loop_now_ms(void);

/* Waits until one of p[0..n) is ready or the deadline (loop_now_ms time)
 * passes. Returns the number ready (revents set), 0 at the deadline, or
 * E_SYS. EINTR is retried. Blocks. */
int loop_poll(struct pollfd *p, unsigned n, long long deadline);

/* Waits until fd has one of events (POLLIN, POLLOUT) or the deadline
 * passes. Returns 0, E_TIMEOUT or E_SYS. */
int loop_wait_fd(int fd, short events, long long deadline);

#endif
