/* daemon.c: see daemon.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "daemon.h"
#include "err.h"
#include "fmt.h"
#include "trigger.h"

volatile sig_atomic_t daemon_term, daemon_hup, daemon_chld;
long daemon_drop_gid = -1;

long daemon_drop_group(void)
{
	struct stat st;

	daemon_drop_gid = -1;
	if (stat("/proc/self/exe", &st) == 0 && (st.st_mode & S_ISGID) &&
	    st.st_gid != 0)
		daemon_drop_gid = (long)st.st_gid;
	return daemon_drop_gid;
}

int daemon_lock(const char *name)
{
	int fd = open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* mkdir -p of path's directory. */
static int make_parents(char *path)
{
	char *s;
	for (s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

int daemon_fifo(const char *sem, const char *semdir, char *path, size_t size)
{
	struct stat st;
	int fd;

	if (trigger_path(sem, semdir, path, size) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (make_parents(path) < 0)
		return -1;
	if (mkfifo(path, 0620) < 0 && errno != EEXIST)
		return -1;
	/* O_RDWR: we are a writer too, so the FIFO never reports end-of-file
	 * when the last signaller closes it. */
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	/* Whoever runs sendmail may signal it through the drop group (the
	 * set-group-ID binary's); nobody else. */
	if ((daemon_drop_gid >= 0 && fchown(fd, (uid_t)-1, (gid_t)daemon_drop_gid) < 0) ||
	    fchmod(fd, daemon_drop_gid >= 0 ? 0620 : 0600) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void on_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		daemon_term = 1;
	else if (sig == SIGHUP)
		daemon_hup = 1;
	else if (sig == SIGCHLD)
		daemon_chld = 1;
}

static sigset_t blocked;

void daemon_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&blocked);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		sigaction(sigs[i], &sa, 0);
		sigaddset(&blocked, sigs[i]);
	}
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, 0);
	sigprocmask(SIG_BLOCK, &blocked, 0);
}

int daemon_wait(int fd, long timeout_ms, int *flush)
{
	struct pollfd p = { fd, POLLIN, 0 };
	struct timespec ts, *tp = 0;
	sigset_t open_set;
	int got = 0;

	if (daemon_term || daemon_hup || daemon_chld)
		timeout_ms = 0;
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = timeout_ms % 1000 * 1000000L;
		tp = &ts;
	}
	sigprocmask(SIG_BLOCK, 0, &open_set);
	sigdelset(&open_set, SIGTERM);
	sigdelset(&open_set, SIGINT);
	sigdelset(&open_set, SIGHUP);
	sigdelset(&open_set, SIGCHLD);
	if (ppoll(&p, fd >= 0 ? 1 : 0, tp, &open_set) > 0 && (p.revents & POLLIN)) {
		char buf[256];
		ssize_t n, i;
		while ((n = read(fd, buf, sizeof buf)) > 0) {
			got = 1;
			for (i = 0; i < n; i++)
				if (buf[i] == TRIGGER_FLUSH)
					*flush = 1;
		}
	}
	return got;
}

void daemon_signal(const char *sem, const char *semdir)
{
	char fifo[1024];
	if (sem && (trigger_path(sem, semdir, fifo, sizeof fifo) < 0 ||
		    (trigger_signal(fifo) < 0 && errno != ENOENT)))
		err_warn(1, "unable to signal %s", sem);
}

int daemon_options(int argc, char **argv, const struct opt_def *defs,
		   int ndefs, const char *(*apply)(void *, const struct opt_hit *),
		   void (*usage)(int), char *conf_buf, size_t size,
		   int max_args)
{
	struct opt_hit h;
	const char *why = 0, *path;
	int i = 1, rc, given;

	while ((rc = opt_next(defs, ndefs, argc, argv, &i, &h, &why)) > 0)
		if (h.id == OPT_HELP) {
			usage(1);
			out_exit(0);
		}
	if (conf_load(argc, argv, conf_buf, size, defs, ndefs, apply, 0, &path,
		      &given) < 0)
		exit(EX_USAGE_);
	if (given)
		setenv("SMTPRC_CONF", path, 1);
	i = 1;
	while ((rc = opt_next(defs, ndefs, argc, argv, &i, &h, &why)) > 0)
		if ((why = apply(0, &h)) != 0)
			break;
	if (rc < 0 || why || argc - i > max_args) {
		char a[256];
		fmt_fd(2, "%s: usage error: %s: %s\n", err_prog,
		       err_printable(a, sizeof a, rc < 0 ? argv[i] : why ? h.val
				      : argv[i + max_args]),
		       rc < 0 || why ? why : "too many arguments");
		usage(2);
		exit(EX_USAGE_);
	}
	return i;
}
