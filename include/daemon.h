/* daemon.h: what smtppd and smtprcd share: one instance per queue, the
 * semaphore FIFO they wait on, signals, and the wait itself.
 *
 * Signals are blocked except inside daemon_wait (ppoll), so a signal is
 * never lost between a check and the wait. SIGTERM and SIGINT set
 * daemon_term, SIGHUP daemon_hup, SIGCHLD daemon_chld.
 */
#ifndef DAEMON_H
#define DAEMON_H

#include <signal.h>
#include <stddef.h>
#include "opt.h"

extern volatile sig_atomic_t daemon_term, daemon_hup, daemon_chld;

/* The drop group (docs/security.md): the group of this binary when it is
 * installed set-group-ID (and not to group 0), else -1. daemon_drop_group
 * looks (/proc/self/exe) and keeps it in daemon_drop_gid, which
 * daemon_fifo then gives its FIFO (mode 0620, else 0600). */
extern long daemon_drop_gid;
long daemon_drop_group(void);

/* Takes the lock file name (in the working directory, the queue) for this
 * program, so that a second copy on the same queue refuses to start. The
 * lock goes with the process, even with kill -9. Returns the fd (kept open,
 * close-on-exec) or -1 (errno EWOULDBLOCK when another copy holds it). */
int daemon_lock(const char *name);

/* Maps the semaphore sem to a FIFO under semdir (trigger.h), creating the
 * directories and the FIFO when missing, and opens it for reading without
 * ever seeing end-of-file (it holds a writer itself). Returns the fd or -1
 * with errno; path receives the FIFO's path. */
int daemon_fifo(const char *sem, const char *semdir, char *path, size_t size);

/* Installs the handlers and blocks the signals (see above). */
void daemon_signals(void);

/* Waits up to timeout_ms (-1: no limit) for the FIFO (fd may be -1) or a
 * signal. Empties the FIFO. Returns 1 when it was signalled (*flush set
 * when a TRIGGER_FLUSH byte was among the bytes), 0 otherwise. */
int daemon_wait(int fd, long timeout_ms, int *flush);

/* Signals the semaphore sem (NULL: none). A missing FIFO means the other
 * daemon is not running (it looks when it starts): no warning then. */
void daemon_signal(const char *sem, const char *semdir);

/* A daemon's options: /? or --help prints usage(stdout) and exits 0;
 * then the configuration file (conf_load into conf_buf; a named file is
 * exported as SMTPRC_CONF, so relay clients read the same one), then the
 * command line, all through apply. Takes at most max_args positional
 * arguments and returns the index of the first. On any error prints it
 * with usage(stderr) and exits 64. */
int daemon_options(int argc, char **argv, const struct opt_def *defs,
		   int ndefs, const char *(*apply)(void *, const struct opt_hit *),
		   void (*usage)(int), char *conf_buf, size_t size,
		   int max_args);

#endif
