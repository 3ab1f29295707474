/* smtprcd.c: the Remote Delivery daemon (man/smtprcd.8).
 *
 *   smtprcd [/WAITFOR:sem] [/IFCLEANPOST:sem] [/TRIGGER:sem]
 *           [/TIMEOUT:seconds | /FOREVER] [/CONCURRENCY:n] run-file
 *
 * Scans remote/, groups the recipient lists by domain, and runs the relay
 * client of the run file once per due domain with the domain and its
 * lists: at most /CONCURRENCY at once, never two for one domain (a lock
 * file per domain, lock/DOMAIN, held by the child itself, so even after
 * kill -9 of smtprcd a restarted one does not start a second). A domain
 * whose run did not finish everything waits retry-first seconds, doubling
 * up to retry-max; every attempt is a fresh process, so the servers are
 * looked up afresh (RFC 974). The schedule lives in memory; at start-up
 * each domain's is rebuilt from a list's attempts and modification time.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "daemon.h"
#include "err.h"
#include "fmt.h"
#include "log.h"
#include "loop.h"
#include "opt.h"
#include "programs.h"
#include "queue.h"
#include "readfile.h"
#include "rcptlist.h"
#include "runfile.h"
#include "schedule.h"
#include "smtprc_opts.h"
#include "trigger.h"

enum { D_WAITFOR, D_IFCLEAN, D_TRIGGER, D_TIMEOUT, D_FOREVER, D_CONC,
       D_ONCE, D_QUEUE, D_SEMDIR, D_PD, D_RD, D_RFIRST, D_RMAX, D_STOP,
       D_RUNFILE, D_CONFIG, D_VERBOSE,
       D_SYSLOG, D_CHECK };

static const struct opt_def smtprcd_opts[] = {
	{ D_WAITFOR, OPT_STR, "WAITFOR", "waitfor", OPT_CMDLINE },
	{ D_IFCLEAN, OPT_STR, "IFCLEANPOST", "ifcleanpost", OPT_CMDLINE },
	{ D_TRIGGER, OPT_STR, "TRIGGER", "trigger", OPT_CMDLINE },
	{ D_TIMEOUT, OPT_STR, "TIMEOUT", "timeout", OPT_CMDLINE },
	{ D_FOREVER, OPT_BOOL, "FOREVER", "forever", OPT_CMDLINE },
	{ D_CONC, OPT_STR, "CONCURRENCY", "concurrency", 0 },
	{ D_ONCE, OPT_BOOL, 0, "once", OPT_CMDLINE },
	{ D_QUEUE, OPT_STR, 0, "queue", 0 },
	{ D_SEMDIR, OPT_STR, 0, "semaphore-dir", 0 },
	{ D_PD, OPT_STR, 0, "pd-semaphore", 0 },
	{ D_RD, OPT_STR, 0, "rd-semaphore", 0 },
	{ D_RFIRST, OPT_STR, 0, "retry-first", 0 },
	{ D_RMAX, OPT_STR, 0, "retry-max", 0 },
	{ D_STOP, OPT_STR, 0, "stop-wait", 0 },
	{ D_RUNFILE, OPT_STR, 0, "run-file", 0 },
	{ D_CHECK, OPT_BOOL, 0, "check", OPT_CMDLINE },
	{ D_CONFIG, OPT_STR, 0, "config", OPT_CMDLINE },
	{ D_VERBOSE, OPT_BOOL, "V", "verbose", 0 },
	{ D_SYSLOG, OPT_BOOL, 0, "syslog", 0 },
};
#define NOPTS ((int)(sizeof smtprcd_opts / sizeof smtprcd_opts[0]))
static const char *apply(void *ctx, const struct opt_hit *h);
const struct opt_table smtprcd_opt_table = { smtprcd_opts, NOPTS, apply, 0 };

static struct {
	const char *waitfor, *ifclean, *trigger, *queue, *semdir, *runfile;
	unsigned long timeout, concurrency, retry_first, retry_max, stop_wait;
	int forever, once, verbose, check;
} cf;

static const char *apply(void *ctx, const struct opt_hit *h)
{
	unsigned long *n = 0, max = 0;
	(void)ctx;
	switch (h->id) {
	case D_WAITFOR: case D_RD: cf.waitfor = h->val; break;
	case D_IFCLEAN: cf.ifclean = h->val; break;
	case D_TRIGGER: case D_PD: cf.trigger = h->val; break;
	case D_TIMEOUT: n = &cf.timeout; max = 86400; break;
	case D_FOREVER: cf.forever = h->on; break;
	case D_CONC: n = &cf.concurrency; max = SMTPRCD_DOMAINS_MAX; break;
	case D_ONCE: cf.once = h->on; break;
	case D_QUEUE: cf.queue = h->val; break;
	case D_SEMDIR: cf.semdir = h->val; break;
	case D_RFIRST: n = &cf.retry_first; max = 86400; break;
	case D_RMAX: n = &cf.retry_max; max = 7 * 86400; break;
	case D_STOP: n = &cf.stop_wait; max = 3600; break;
	case D_RUNFILE: cf.runfile = h->val; break;
	case D_VERBOSE: cf.verbose = h->on; break;
	case D_CHECK: cf.check = h->on; break;
	case D_SYSLOG:
		/* Read by err_line, here and in the relay clients. */
		if (h->on)
			setenv("SMTPRC_SYSLOG", "1", 1);
		break;
	}
	if (n && (!opt_number(h->val, max, n) || !*n))
		return "a number out of range (see smtprcd(8))";
	return 0;
}

static void usage(int fd)
{
	fmt_text(fd, "usage: smtprcd [/WAITFOR:sem] [/IFCLEANPOST:sem] "
		 "[/TRIGGER:sem]\n"
		 "               [/TIMEOUT:seconds | /FOREVER] [/CONCURRENCY:n] "
		 "[--once] run-file\n"
		 "  --retry-first=SECONDS --retry-max=SECONDS --stop-wait=SECONDS\n"
		 "  --queue=DIR --semaphore-dir=DIR --config=FILE\n");
}

static char conf_buf[CONF_SIZE];

static void options(int argc, char **argv)
{
	int i;

	cf.waitfor = CONF_RD_DEFAULT;
	cf.trigger = CONF_PD_DEFAULT;
	cf.queue = CONF_QUEUE_DEFAULT;
	cf.semdir = CONF_SEMDIR_DEFAULT;
	cf.timeout = 60;
	cf.concurrency = 4;
	cf.retry_first = 300;
	cf.retry_max = 14400;
	cf.stop_wait = 20;
	i = daemon_options(argc, argv, smtprcd_opts, NOPTS, apply, usage,
			   conf_buf, sizeof conf_buf, 1);
	if (i < argc)
		cf.runfile = argv[i];
	if (!cf.runfile) {
		fmt_fd(2, "%s: usage error: no run file given\n", err_prog);
		usage(2);
		exit(EX_USAGE_);
	}
	if (cf.retry_max < cf.retry_first)
		cf.retry_max = cf.retry_first;
}

/* --- the run file --- */

static char run_buf[RUNFILE_SIZE];
static struct runfile run;
static char queue_abs[1024];

/* The absolute name of the current directory into queue_abs: 0, or -1.
 * The system call itself (libc's getcwd links strdup for a case not used
 * here); a name the kernel marks "(unreachable)" is refused, as libc's. */
static int queue_abs_name(void)
{
	long n = syscall(SYS_getcwd, queue_abs, sizeof queue_abs);

	return n > 0 && queue_abs[0] == '/' ? 0 : -1;
}

/* The relay client's arguments, checked as it will take them before
 * anything starts: a mistake (the seed's "argument /SELF:" with its
 * address left out) is named with its line, rather than failing every
 * run. A run file that runs another program is its own business. */
static void check_run_arguments(void)
{
	const char *base = strrchr(run.program, '/'), *why;
	int bad;

	base = base ? base + 1 : run.program;
	if (run.executable || strcmp(base, "smtprc"))
		return;
	why = smtprc_check_args((int)run.argc, (char **)run.argv, &bad);
	if (why)
		err_fatal(EX_USAGE_, 0, "run file %s:%u: argument %s: %s",
			  cf.runfile, run.arg_line[bad], run.argv[bad], why);
}

static void load_runfile(void)
{
	long len = readfile_at(AT_FDCWD, cf.runfile, run_buf, sizeof run_buf, 0);
	if (len < 0)
		err_fatal(EX_USAGE_, len != READFILE_TOO_BIG, "unable to read run file %s%s",
			  cf.runfile, len == READFILE_TOO_BIG ? ": larger than "
			  "RUNFILE_SIZE" : "");
	if (runfile_parse(&run, run_buf, (size_t)len, cf.runfile) < 0)
		err_fatal(EX_USAGE_, 0, "run file %s:%u: %s", cf.runfile,
			  run.err_line, run.err);
	if (run.executable && access(cf.runfile, X_OK) < 0)
		err_fatal(EX_USAGE_, 1, "run file %s is a script but not "
			  "executable", cf.runfile);
	if (run.program[0] != '/' && !run.executable)
		err_fatal(EX_USAGE_, 0, "run file %s: program %s must be an "
			  "absolute path", cf.runfile, run.program);
	check_run_arguments();
}

/* --- domains (schedule.h) --- */

static struct {
	struct sched sch;
	int full_logged;
	struct queue q;
	long long now;
	int flush;
	long long last_scan;    /* when remote/ was last read, ms */
	long long scan_gap;     /* the least time to the next pass for new
				   mail, ms: SMTPRCD_SCAN_SHARE times the last
				   pass's, at most SMTPRCD_RESCAN_MS */
	int waiting;            /* a due domain found no table entry */
	unsigned long passes;   /* scans of remote/ made, for the log */
	int want_scan;          /* new lists may be there: read it again */
	int all_sorted;         /* maildrop/ was empty after the last scan */
	/* argv of the next child */
	char args[SMTPRCD_ARGS_SIZE];
	size_t args_len;
	char *argv[RUNFILE_ARGS_MAX + 1 + SMTPRCD_LISTS_MAX + 1];
	int argc;
	char list_buf[RCPTLIST_SIZE + 1];
	struct rcptlist list;
} d;

/* The names of the lists the next runs will take, read once per scan of
 * remote/ rather than once per run: records "next (4 bytes, offset + 1),
 * length (1 byte), identifier", chained per domain in directory order
 * from the domain's skip position (round robin), for domains due and not
 * running. When it is full the other domains' names are read at the next
 * scan, which comes as soon as a slot is free and a due domain has none. */
static struct {
	char buf[SMTPRCD_POOL_SIZE];
	size_t used;
	int full;
	struct pool_chain {
		unsigned head, tail, early_head, early_tail, n, seen;
	} dom[SMTPRCD_DOMAINS_MAX];
} pl;

/* The schedule runs on the monotonic clock: setting the time of day (a
 * box without a real-time clock starts at 1970 until NTP or date -s) moves
 * no back-off either way. */
static long long now_ms(void)
{
	return loop_now_ms();
}

static struct pool_chain *chain_of(const struct sched_dom *e)
{
	return &pl.dom[e - d.sch.dom];
}

static unsigned rec_next(unsigned at)
{
	unsigned n;
	memcpy(&n, pl.buf + at - 1, 4);
	return n;
}

static void rec_link(unsigned *head, unsigned *tail, unsigned at)
{
	if (*tail)
		memcpy(pl.buf + *tail - 1, &at, 4);
	else
		*head = at;
	*tail = at;
}

/* Keeps identifier id[0..len) of a list of e for its next run. */
static void pool_add(struct sched_dom *e, const char *id, size_t len)
{
	struct pool_chain *c = chain_of(e);
	unsigned at, zero = 0;

	if (pl.used + 5 + len > sizeof pl.buf || len > 255) {
		pl.full = 1;
		return;
	}
	at = (unsigned)pl.used + 1;
	memcpy(pl.buf + pl.used, &zero, 4);
	pl.buf[pl.used + 4] = (char)len;
	memcpy(pl.buf + pl.used + 5, id, len);
	pl.used += 5 + len;
	/* Lists before the domain's skip position go after the others. */
	if (c->seen <= e->skip && e->skip)
		rec_link(&c->early_head, &c->early_tail, at);
	else
		rec_link(&c->head, &c->tail, at);
	c->n++;
}

/* A domain seen for the first time: its schedule from one of its lists
 * (attempts so far and when the last one ended), so that a restart keeps
 * the back-off. */
static void schedule_from(struct sched_dom *e, const char *list)
{
	struct stat st;
	long n = queue_read(&d.q, QUEUE_REMOTE, list, d.list_buf,
			    sizeof d.list_buf, &st);

	if (n > 0 && rcptlist_parse(&d.list, d.list_buf, (size_t)n) == 0) {
		/* How long ago the last attempt ended, by the time of day;
		 * a list from the future (the clock went back: booted at
		 * 1970 after a power cut) ended just now. */
		long long ago = (long long)time(0) - (long long)st.st_mtime;
		sched_restore(&d.sch, e, d.list.attempts,
			      d.now - (ago > 0 ? ago * 1000 : 0), d.now);
	} else
		sched_restore(&d.sch, e, 0, 0, d.now);
}

/* Domains of this scan that found no entry (a bit per hash of the name):
 * their lists are not read again for it, so a scan costs one read per
 * such domain, not one per list. */
static unsigned char refused[SMTPRCD_REFUSED_BITS / 8];

static unsigned name_bit(const char *name, size_t len)
{
	unsigned long h = 2166136261UL;
	size_t i;
	for (i = 0; i < len; i++)
		h = ((h ^ (unsigned char)name[i]) * 16777619UL) & 0xffffffffUL;
	return (unsigned)(h % SMTPRCD_REFUSED_BITS);
}

/* The table is full and a domain that is due has lists (name, one of them
 * list): it takes the entry of a domain that waits out its back-off and
 * runs no relay client (whose schedule comes back from its lists when it
 * is seen again). A domain that is not due takes none, so entries never
 * pass back and forth within a scan. Returns the entry, or 0. */
static struct sched_dom *evict_for(const char *name, size_t len,
				   const char *list)
{
	struct sched_dom probe, *e;
	unsigned bit = name_bit(name, len);
	size_t i;

	if (refused[bit / 8] & (1u << (bit % 8)))
		return 0;
	refused[bit / 8] |= (unsigned char)(1u << (bit % 8));
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		e = &d.sch.dom[i];
		if (e->name[0] && !e->pid && e->next_ms > d.now &&
		    !chain_of(e)->n)
			break;
	}
	if (i == SMTPRCD_DOMAINS_MAX) {
		d.waiting = 1;   /* read again when an entry is free */
		return 0;
	}
	memset(&probe, 0, sizeof probe);
	schedule_from(&probe, list);
	if (probe.next_ms > d.now && !d.flush)
		return 0;
	if (cf.verbose)
		log_line("%s: table entry given to %.*s while it waits out its "
			 "back-off", e->name, (int)len, name);
	sched_free(&d.sch, e);
	e = sched_find(&d.sch, name, len, 1);
	if (e) {
		e->failures = probe.failures;
		e->next_ms = probe.next_ms;
		refused[bit / 8] &= (unsigned char)~(1u << (bit % 8));
	}
	return e;
}

static int scan_one(const char *name, void *arg)
{
	const char *dot = strchr(name, '.');
	struct sched_dom *e;
	size_t len;
	(void)arg;
	if (name[0] == '.' || !dot || !dot[1])
		return 0;
	len = strlen(dot + 1);
	e = sched_find(&d.sch, dot + 1, len, 0);
	if (!e) {
		/* (When the table is full, without a second look-up.) */
		e = sched_full(&d.sch) ? 0 : sched_find(&d.sch, dot + 1, len, 1);
		if (e)
			schedule_from(e, name);
		else
			e = evict_for(dot + 1, len, name);
		if (!e) {
			if (!d.full_logged && d.waiting)
				err_warn(0, "more domains queued than "
					 "SMTPRCD_DOMAINS_MAX; %s and others "
					 "wait for a free entry", dot + 1);
			d.full_logged |= d.waiting;
			return 0;
		}
	}
	chain_of(e)->seen++;
	e->nlists++;
	if (e->pid)
		e->counted_running = 1;
	if (!e->pid && (d.flush || e->next_ms <= d.now))
		pool_add(e, name, (size_t)(dot - name));
	return 0;
}

/* Reads remote/: how many lists each domain has, and the names of the
 * next runs of the due ones. */
static void scan(void)
{
	size_t i;

	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	d.now = now_ms();
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++)
		d.sch.dom[i].nlists = 0;
	memset(pl.dom, 0, sizeof pl.dom);
	memset(refused, 0, sizeof refused);
	pl.used = 0;
	pl.full = 0;
	d.full_logged = 0;
	d.waiting = 0;
	if (queue_scan(&d.q, QUEUE_REMOTE, scan_one, 0) == E_SYS)
		err_warn(1, "unable to read remote/");
	/* After the scan: an entry gone now was sorted before, so every list
	 * just read is the queue's, and take_lists need not ask (one read
	 * of a folder that is most often empty, not a look-up per list). */
	d.all_sorted = queue_maildrop_empty(&d.q);
	d.last_scan = d.now;
	d.want_scan = 0;
	d.passes++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	d.scan_gap = ((long long)(t1.tv_sec - t0.tv_sec) * 1000 +
		      (t1.tv_nsec - t0.tv_nsec) / 1000000) * SMTPRCD_SCAN_SHARE;
	if (d.scan_gap > SMTPRCD_RESCAN_MS)
		d.scan_gap = SMTPRCD_RESCAN_MS;
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		struct sched_dom *e = &d.sch.dom[i];
		struct pool_chain *c = &pl.dom[i];
		if (c->early_head) {
			rec_link(&c->head, &c->tail, c->early_head);
			c->tail = c->early_tail;
		}
		if (!e->name[0] || e->nlists || e->pid)
			continue;
		/* Nothing left for it: free the entry and its lock file
		 * (only while nobody holds the lock, so that a relay client
		 * of an earlier smtprcd that still runs keeps its lock). */
		if (queue_unlock_domain(&d.q, e->name) == E_BUSY)
			continue;
		sched_free(&d.sch, e);
	}
}

static void add_arg(const char *s, size_t n)
{
	d.argv[d.argc++] = d.args + d.args_len;
	memcpy(d.args + d.args_len, s, n);
	d.args_len += n;
	d.args[d.args_len++] = 0;
}

/* The paths of e's next lists, from the pool, as arguments. Returns how
 * many. */
static int take_lists(struct sched_dom *e)
{
	struct pool_chain *c = chain_of(e);
	char path[1400];
	int n = 0;

	while (c->head && n < SMTPRCD_LISTS_MAX) {
		unsigned at = c->head;
		unsigned char len = (unsigned char)pl.buf[at - 1 + 4];
		size_t need = (size_t)len + strlen(e->name) + 16 +
			      (run.chdir ? strlen(queue_abs) + 1 : 0);
		if (d.args_len + need >= sizeof d.args)
			break;
		fmt_into(path, sizeof path, "%s%sremote/%.*s.%s",
			 run.chdir ? queue_abs : "", run.chdir ? "/" : "",
			 (int)len, pl.buf + at - 1 + 5, e->name);
		c->head = rec_next(at);
		c->n--;
		/* Its message still in maildrop/: smtppd stopped before the
		 * end of the sort and replaces this list when it starts. Not
		 * there until then (smtppd's signal brings the new one). */
		if (!d.all_sorted &&
		    queue_unsorted(&d.q, strrchr(path, '/') + 1)) {
			e->nlists--;
			continue;
		}
		add_arg(path, strlen(path));
		n++;
	}
	if (!c->head)
		c->tail = 0;
	return n;
}

/* Runs the relay client with d.argv, the domain's lock fd inherited: the
 * child keeps it for its whole life. posix_spawn (a vfork in musl): a
 * fork would copy this process's page tables for every run. Signals go
 * back to their defaults and none is blocked. Returns the pid, or -1
 * (errno set). */
static pid_t spawn(int lockfd)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGPIPE };
	posix_spawnattr_t at;
	sigset_t none, dfl;
	char num[16];
	pid_t pid;
	size_t i;
	int rc;

	sigemptyset(&none);
	sigemptyset(&dfl);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&dfl, sigs[i]);
	if (posix_spawnattr_init(&at) != 0)
		return -1;
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	/* Inherited: close-on-exec off for the spawn only, and the run
	 * file's directory as the working directory for it only (this
	 * process is single-threaded and works through directory
	 * descriptors; no file actions: musl allocates those). */
	fmt_into(num, sizeof num, "%d", lockfd);
	setenv("SMTPRC_LOCK_FD", num, 1);
	fcntl(lockfd, F_SETFD, 0);
	if (run.chdir && chdir(run.chdir) < 0) {
		rc = errno;
		fcntl(lockfd, F_SETFD, FD_CLOEXEC);
		posix_spawnattr_destroy(&at);
		errno = rc;
		return -1;
	}
	rc = posix_spawn(&pid, run.program, 0, &at, d.argv, environ);
	if (run.chdir && chdir(queue_abs) < 0)
		err_fatal(EX_CANTCREAT_, 1, "unable to enter the queue %s again",
			  queue_abs);
	fcntl(lockfd, F_SETFD, FD_CLOEXEC);
	posix_spawnattr_destroy(&at);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

/* Starts the relay client for e. Returns 1 when started. */
static int start(struct sched_dom *e)
{
	int fd, k, nlists;
	pid_t pid;

	e->more = 0;
	fd = queue_lock_domain(&d.q, e->name);
	if (fd == E_BUSY) {
		/* A relay client of an earlier smtprcd still works on it. */
		if (cf.verbose)
			log_line("%s: busy (an earlier relay client still runs)",
				 e->name);
		e->next_ms = d.now + 2000;
		return 0;
	}
	if (fd < 0) {
		err_warn(1, "unable to lock lock/%s", e->name);
		e->next_ms = d.now + 5000;
		return 0;
	}
	d.argc = 0;
	d.args_len = 0;
	for (k = 0; k < (int)run.argc; k++)
		add_arg(run.argv[k], strlen(run.argv[k]));
	add_arg(e->name, strlen(e->name));
	nlists = take_lists(e);
	d.argv[d.argc] = 0;
	if (nlists == 0) {
		close(fd);
		return 0;
	}
	pid = spawn(fd);
	if (pid < 0) {
		err_warn(1, "unable to start a relay client for %s (%s)",
			 e->name, run.program);
		close(fd);
		e->next_ms = d.now + 5000;
		return 0;
	}
	close(fd);
	e->taken = (unsigned)nlists;
	e->more = e->nlists > e->taken;
	e->counted_running = 0;
	sched_started(&d.sch, e, pid, d.now);
	log_line("%s: relay client %ld started with %d list(s)%s", e->name,
		 (long)pid, nlists, e->more ? " (more wait for the next run)"
					    : "");
	return 1;
}

/* Every relay client that ended: its schedule, its log line with how
 * long it ran and its peak resident memory (what a small box must have
 * free for it). */
static void reap(void)
{
	struct rusage ru;
	int status;
	pid_t pid;

	daemon_chld = 0;
	while ((pid = wait4(-1, &status, WNOHANG, &ru)) > 0) {
		struct sched_dom *e = sched_by_pid(&d.sch, pid);
		char how[64];
		long long started;
		if (!e)
			continue;
		d.now = now_ms();
		started = e->started_ms;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			sched_ended(&d.sch, e, 1, d.now);
			log_line("%s: relay client %ld finished: every list "
				 "settled (%lld ms, peak %ld KiB)", e->name,
				 (long)pid, d.now - started, (long)ru.ru_maxrss);
			/* A scan during the run counted lists the run then
			 * settled, and maybe new ones: what is left is known
			 * only by reading remote/ again (a due domain without
			 * names gets that at once). Else nothing is left: the
			 * entry is free for another domain now. */
			if (e->counted_running || e->more)
				e->nlists = e->nlists ? e->nlists : 1;
			else if (!chain_of(e)->n &&
				 queue_unlock_domain(&d.q, e->name) == 0)
				sched_free(&d.sch, e);
		} else {
			unsigned long wait;
			if (WIFEXITED(status))
				fmt_into(how, sizeof how, "exit %d%s",
					 WEXITSTATUS(status),
					 WEXITSTATUS(status) == EX_TEMPFAIL_
					 ? " (deferred)" : "");
			else
				fmt_into(how, sizeof how, "killed by signal %d "
					 "(its lists stay pending)",
					 WTERMSIG(status));
			if (WIFEXITED(status) && WEXITSTATUS(status) == EX_USAGE_)
				err_warn(0, "%s: the relay client refused its "
					 "arguments: check the run file %s",
					 e->name, cf.runfile);
			/* Killed in its clean-up, it may have left a list in
			 * done/ (and its message link) that no later run of
			 * that domain would remove: swept now. */
			queue_sweep(&d.q);
			wait = sched_ended(&d.sch, e, 0, d.now);
			log_line("%s: relay client %ld %s; attempt %u, next in "
				 "%lu s (peak %ld KiB)", e->name, (long)pid, how,
				 e->failures, wait, (long)ru.ru_maxrss);
		}
		daemon_signal(cf.trigger, cf.semdir);
		daemon_signal(cf.ifclean, cf.semdir);
	}
}

/* The due domain that has waited longest, among those whose next lists
 * are known (pooled) or, with dry, those whose are not; or 0. */
static struct sched_dom *pick(int dry)
{
	struct sched_dom *best = 0;
	size_t i;

	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		struct sched_dom *e = &d.sch.dom[i];
		if (!sched_due(e, d.now, d.flush) || !pl.dom[i].n != !!dry)
			continue;
		if (!best || e->next_ms < best->next_ms)
			best = e;
	}
	return best;
}

/* Starts what is due, while slots are free; returns the milliseconds
 * until the next domain's back-off ends, or -1 when none waits for a
 * time. A due domain waiting only for a free slot needs no timer: the end
 * of a run (SIGCHLD) wakes us. A due domain whose lists are not in the
 * pool has remote/ read again, once per call. */
static long long start_due(void)
{
	long long next = -1;
	int rescanned = 0;
	size_t i;

	d.now = now_ms();
	while (!daemon_term && d.sch.running < cf.concurrency) {
		struct sched_dom *e = pick(0);
		/* A due domain without names, or one without an entry: read
		 * remote/ again (once a call). */
		if (!e && !rescanned && (pick(1) || d.waiting)) {
			scan();
			rescanned = 1;
			continue;
		}
		if (!e)
			break;
		if (!start(e)) {
			/* Busy or failed: start() set its next time; with no
			 * lists after all it has none left. */
			if (!chain_of(e)->n && e->next_ms <= d.now)
				e->nlists = 0;
			if (e->next_ms <= d.now)
				e->next_ms = d.now + 1000;
		}
	}
	d.flush = 0;
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		struct sched_dom *e = &d.sch.dom[i];
		if (!e->name[0] || e->pid || !e->nlists || e->next_ms <= d.now)
			continue;
		if (next < 0 || e->next_ms - d.now < next)
			next = e->next_ms - d.now;
	}
	return next;
}

/* The daemon's loop, until SIGTERM (or --once has nothing running). */
static void serve(int fifofd)
{
	d.want_scan = 1;
	for (;;) {
		long long next, since;
		long wait;
		if (daemon_chld)
			reap();
		if (daemon_hup || d.flush)
			d.want_scan = 1;
		daemon_hup = 0;
		/* New lists show only in remote/: read it when signalled
		 * (no sooner than scan_gap after the last pass: a large
		 * queue's passes take at most 1/SMTPRCD_SCAN_SHARE of the
		 * time, a small one's are at once), and every /TIMEOUT. */
		since = now_ms() - d.last_scan;
		if (!cf.forever && since >= (long long)cf.timeout * 1000)
			d.want_scan = 1;
		if (d.want_scan && (since >= d.scan_gap || since < 0 ||
				    d.flush))
			scan();
		next = start_due();
		if (daemon_term)
			break;
		if (cf.once && !d.sch.running)
			break;
		wait = cf.forever ? -1 : (long)cf.timeout * 1000;
		if (d.want_scan)
			next = next < 0 || next > d.scan_gap - since
			       ? d.scan_gap - since : next;
		if (next >= 0 && (wait < 0 || next < wait))
			wait = next < 0 ? 0 : (long)next;
		if (daemon_wait(fifofd, wait, &d.flush))
			d.want_scan = 1;
	}
}

int smtprcd_main(int argc, char **argv)
{
	char fifo[1024];
	int fifofd = -1, lock;

	options(argc, argv);
	log_set_verbose(cf.verbose);
	sched_init(&d.sch, cf.retry_first, cf.retry_max);
	load_runfile();
	if (cf.check)
		return 0;    /* the configuration and the run file are good */
	if (chdir(cf.queue) < 0 || queue_abs_name() < 0)
		err_fatal(EX_CANTCREAT_, 1, "unable to enter the queue %s",
			  cf.queue);
	if (queue_open(&d.q, ".") < 0)
		err_fatal(EX_CANTCREAT_, 1, "unable to open the queue %s",
			  cf.queue);
	lock = daemon_lock("smtprcd.lock");
	if (lock < 0)
		err_fatal(EX_TEMPFAIL_, errno != EWOULDBLOCK, "%s",
			  errno == EWOULDBLOCK ? "another smtprcd runs on this "
			  "queue" : "unable to lock smtprcd.lock");
	daemon_signals();
	queue_sweep(&d.q);   /* what relay clients killed with us left */
	if (!cf.once) {
		daemon_drop_group();    /* sendmail -q of any user signals */
		fifofd = daemon_fifo(cf.waitfor, cf.semdir, fifo, sizeof fifo);
		if (fifofd < 0)
			err_fatal(EX_OSERR_, 1, "unable to open semaphore %s",
				  cf.waitfor);
		log_line("started on %s, waiting on %s, %lu at once, retry %lu s "
			 "doubling to %lu s", queue_abs, fifo, cf.concurrency,
			 cf.retry_first, cf.retry_max);
	}
	serve(fifofd);
	if (d.sch.running) {
		long long deadline = now_ms() + (long long)cf.stop_wait * 1000;
		log_line("stopping: waiting up to %lu s for %u relay client(s)",
			 cf.stop_wait, d.sch.running);
		while (d.sch.running && now_ms() < deadline) {
			int f = 0;
			daemon_wait(-1, (long)(deadline - now_ms()), &f);
			if (daemon_chld)
				reap();
		}
		if (d.sch.running)
			log_line("%u relay client(s) still running; they keep "
				 "their domains' locks and finish on their own",
				 d.sch.running);
	}
	log_line("stopped (%lu passes over remote/)", d.passes);
	close(lock);
	return 0;
}
