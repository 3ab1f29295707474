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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "daemon.h"
#include "err.h"
#include "log.h"
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

static void usage(FILE *f)
{
	fputs("usage: smtprcd [/WAITFOR:sem] [/IFCLEANPOST:sem] [/TRIGGER:sem]\n"
	      "               [/TIMEOUT:seconds | /FOREVER] [/CONCURRENCY:n] "
	      "[--once] run-file\n"
	      "  --retry-first=SECONDS --retry-max=SECONDS --stop-wait=SECONDS\n"
	      "  --queue=DIR --semaphore-dir=DIR --config=FILE\n", f);
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
		fprintf(stderr, "%s: usage error: no run file given\n", err_prog);
		usage(stderr);
		exit(EX_USAGE_);
	}
	if (cf.retry_max < cf.retry_first)
		cf.retry_max = cf.retry_first;
}

/* --- the run file --- */

static char run_buf[RUNFILE_SIZE];
static struct runfile run;
static char queue_abs[1024];

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
	/* argv of the next child */
	char args[SMTPRCD_ARGS_SIZE];
	size_t args_len;
	char *argv[RUNFILE_ARGS_MAX + 1 + SMTPRCD_LISTS_MAX + 1];
	int argc;
	const char *want;   /* the domain being collected */
	int overflow;
	char list_buf[RCPTLIST_SIZE + 1];
	struct rcptlist list;
} d;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A domain seen for the first time: its schedule from one of its lists
 * (attempts so far and when the last one ended), so that a restart keeps
 * the back-off. */
static void schedule_from(struct sched_dom *e, const char *list)
{
	struct stat st;
	long n = queue_read(&d.q, QUEUE_REMOTE, list, d.list_buf,
			    sizeof d.list_buf, &st);

	if (n > 0 && rcptlist_parse(&d.list, d.list_buf, (size_t)n) == 0)
		sched_restore(&d.sch, e, d.list.attempts,
			      (long long)st.st_mtime * 1000, d.now);
	else
		sched_restore(&d.sch, e, 0, 0, d.now);
}

static int scan_one(const char *name, void *arg)
{
	const char *dot = strchr(name, '.');
	struct sched_dom *e;
	(void)arg;
	if (name[0] == '.' || !dot || !dot[1])
		return 0;
	e = sched_find(&d.sch, dot + 1, strlen(dot + 1), 0);
	if (!e) {
		e = sched_find(&d.sch, dot + 1, strlen(dot + 1), 1);
		if (!e) {
			if (!d.full_logged)
				err_warn(0, "more domains queued than "
					 "SMTPRCD_DOMAINS_MAX; %s and others "
					 "wait for a free entry", dot + 1);
			d.full_logged = 1;
			return 0;
		}
		schedule_from(e, name);
	}
	e->nlists++;
	return 0;
}

static void scan(void)
{
	size_t i;
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++)
		d.sch.dom[i].nlists = 0;
	d.full_logged = 0;
	if (queue_scan(&d.q, QUEUE_REMOTE, scan_one, 0) == E_SYS)
		err_warn(1, "unable to read remote/");
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		struct sched_dom *e = &d.sch.dom[i];
		if (!e->name[0] || e->nlists || e->pid)
			continue;
		/* Nothing left for it: free the entry and its lock file
		 * (only while nobody holds the lock, so that a relay client
		 * of an earlier smtprcd that still runs keeps its lock). */
		if (queue_unlock_domain(&d.q, e->name) == E_BUSY)
			continue;
		e->name[0] = 0;
	}
}

static void add_arg(const char *s, size_t n)
{
	d.argv[d.argc++] = d.args + d.args_len;
	memcpy(d.args + d.args_len, s, n);
	d.args_len += n;
	d.args[d.args_len++] = 0;
}

static int collect(const char *name, void *arg)
{
	const char *dot = strchr(name, '.');
	size_t need = strlen(name) + 8 + (run.chdir ? strlen(queue_abs) + 1 : 0);
	char path[1400];
	(void)arg;
	if (name[0] == '.' || !dot || strcmp(dot + 1, d.want))
		return 0;
	if (d.argc >= (int)(sizeof d.argv / sizeof d.argv[0]) - 1 ||
	    d.argc - (int)run.argc - 1 >= SMTPRCD_LISTS_MAX ||
	    d.args_len + need >= sizeof d.args) {
		d.overflow = 1;
		return 1;
	}
	snprintf(path, sizeof path, "%s%sremote/%s", run.chdir ? queue_abs : "",
		 run.chdir ? "/" : "", name);
	add_arg(path, strlen(path));
	return 0;
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
	d.want = e->name;
	d.overflow = 0;
	queue_scan(&d.q, QUEUE_REMOTE, collect, 0);
	d.argv[d.argc] = 0;
	nlists = d.argc - (int)run.argc - 1;
	if (nlists == 0) {
		close(fd);
		return 0;
	}
	pid = fork();
	if (pid < 0) {
		err_warn(1, "unable to start a relay client for %s", e->name);
		close(fd);
		e->next_ms = d.now + 5000;
		return 0;
	}
	if (pid == 0) {
		sigset_t none;
		struct sigaction sa;
		static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD,
					    SIGPIPE };
		size_t s;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		for (s = 0; s < sizeof sigs / sizeof sigs[0]; s++)
			sigaction(sigs[s], &sa, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, 0);
		/* The child keeps the domain's lock for its whole life. */
		fcntl(fd, F_SETFD, 0);
		if (run.chdir && chdir(run.chdir) < 0)
			err_fatal(127, 1, "unable to chdir to %s", run.chdir);
		execv(run.program, d.argv);
		err_fatal(127, 1, "unable to run %s", run.program);
	}
	close(fd);
	e->more = d.overflow;
	sched_started(&d.sch, e, pid, d.now);
	log_line("%s: relay client %ld started with %d list(s)%s", e->name,
		 (long)pid, nlists, d.overflow ? " (more wait for the next run)"
					       : "");
	return 1;
}

static void reap(void)
{
	int status;
	pid_t pid;

	daemon_chld = 0;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
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
				 "settled (%lld ms)", e->name, (long)pid,
				 d.now - started);
		} else {
			unsigned long wait;
			if (WIFEXITED(status))
				snprintf(how, sizeof how, "exit %d%s",
					 WEXITSTATUS(status),
					 WEXITSTATUS(status) == EX_TEMPFAIL_
					 ? " (deferred)" : "");
			else
				snprintf(how, sizeof how, "killed by signal %d "
					 "(its lists stay pending)",
					 WTERMSIG(status));
			if (WIFEXITED(status) && WEXITSTATUS(status) == EX_USAGE_)
				err_warn(0, "%s: the relay client refused its "
					 "arguments: check the run file %s",
					 e->name, cf.runfile);
			wait = sched_ended(&d.sch, e, 0, d.now);
			log_line("%s: relay client %ld %s; attempt %u, next in "
				 "%lu s", e->name, (long)pid, how, e->failures,
				 wait);
		}
		daemon_signal(cf.trigger, cf.semdir);
		daemon_signal(cf.ifclean, cf.semdir);
	}
}

/* Starts what is due; returns the milliseconds until the next due
 * domain, or -1 when none is waiting for a time. A due domain waiting only
 * for a free slot needs no timer: the end of a run (SIGCHLD) wakes us. */
static long long start_due(void)
{
	long long next = -1;
	size_t i;

	d.now = now_ms();
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		struct sched_dom *e = &d.sch.dom[i];
		if (!e->name[0] || e->pid || !e->nlists)
			continue;
		if (d.flush)
			e->next_ms = d.now;
		if (sched_due(e, d.now, 0)) {
			if (daemon_term)
				continue;
			if (d.sch.running >= cf.concurrency)
				continue;       /* waits for a slot */
			if (start(e))
				continue;
		}
		if (next < 0 || e->next_ms - d.now < next)
			next = e->next_ms - d.now;
	}
	d.flush = 0;
	return next < 0 ? -1 : next;
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
	if (chdir(cf.queue) < 0 || !getcwd(queue_abs, sizeof queue_abs))
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
	for (;;) {
		long long next;
		long wait;
		if (daemon_chld)
			reap();
		daemon_hup = 0;
		scan();
		next = start_due();
		if (daemon_term)
			break;
		if (cf.once && !d.sch.running)
			break;
		wait = cf.forever ? -1 : (long)cf.timeout * 1000;
		if (next >= 0 && (wait < 0 || next < wait))
			wait = (long)next;
		daemon_wait(fifofd, wait, &d.flush);
	}
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
	log_line("stopped");
	close(lock);
	return 0;
}
