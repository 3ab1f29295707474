/* queue.c: see queue.h and docs/queue.md. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "dirscan.h"
#include "err.h"
#include "fmt.h"
#include "queue.h"
#include "readfile.h"

static const char *const dir_names[QUEUE_DIRS] = {
	"maildrop", "mess", "remote", "done", "tmp", "local", "lock", "sts"
};

/* Undoes a failed open: the queue's descriptors closed, errno kept. */
static int open_failed(struct queue *q, int top)
{
	int e = errno;
	close(top);
	queue_close(q);
	errno = e;
	return E_SYS;
}

int queue_open(struct queue *q, const char *path)
{
	int top, i;

	for (i = 0; i < QUEUE_DIRS; i++)
		q->fd[i] = -1;
	q->dirty = 0;
	q->seq = 0;
	q->maildrop_only = 0;
	top = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return E_SYS;
	for (i = 0; i < QUEUE_DIRS; i++) {
		if (mkdirat(top, dir_names[i], 0700) < 0 && errno != EEXIST)
			goto fail;
		q->fd[i] = openat(top, dir_names[i],
				  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (q->fd[i] < 0)
			goto fail;
	}
	close(top);
	return 0;
fail:
	return open_failed(q, top);
}

int queue_open_maildrop(struct queue *q, const char *path, int create)
{
	int top, i;

	for (i = 0; i < QUEUE_DIRS; i++)
		q->fd[i] = -1;
	q->dirty = 0;
	q->seq = 0;
	/* O_PATH: the drop group may traverse the queue, not read it. */
	top = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return E_SYS;
	if (create && mkdirat(top, "maildrop", 0700) < 0 && errno != EEXIST)
		goto fail;
	q->fd[QUEUE_MAILDROP] = openat(top, "maildrop",
				       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (q->fd[QUEUE_MAILDROP] < 0)
		goto fail;
	q->fd[QUEUE_TMP] = dup(q->fd[QUEUE_MAILDROP]);
	if (q->fd[QUEUE_TMP] < 0)
		goto fail;
	q->maildrop_only = 1;
	close(top);
	return 0;
fail:
	return open_failed(q, top);
}

int queue_open_readonly(struct queue *q, const char *path)
{
	int top = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), i;

	q->dirty = 0;
	q->seq = 0;
	q->maildrop_only = 0;
	if (top < 0) {
		for (i = 0; i < QUEUE_DIRS; i++)
			q->fd[i] = -1;
		return E_SYS;
	}
	for (i = 0; i < QUEUE_DIRS; i++)
		q->fd[i] = openat(top, dir_names[i],
				  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(top);
	return 0;
}

int queue_scan(struct queue *q, int dir, int (*each)(const char *name,
						     void *arg), void *arg)
{
	return q->fd[dir] < 0 ? 0 : dirscan(q->fd[dir], each, arg);
}

long queue_read(struct queue *q, int dir, const char *name, char *buf,
		size_t size, struct stat *st)
{
	if (q->fd[dir] < 0) {
		errno = ENOENT;
		return READFILE_MISSING;
	}
	return readfile_queue(q->fd[dir], name, buf, size, st);
}

int queue_open_entry(struct queue *q, int dir, const char *name,
		     long long *len)
{
	int fd = readfile_open_queue(q->fd[dir], name, len);
	return fd < 0 ? E_SYS : fd;
}

int queue_stat(struct queue *q, int dir, const char *name, struct stat *st)
{
	return fstatat(q->fd[dir], name, st, 0) < 0 ? E_SYS : 0;
}

void queue_close(struct queue *q)
{
	int i;
	for (i = 0; i < QUEUE_DIRS; i++) {
		if (q->fd[i] >= 0)
			close(q->fd[i]);
		q->fd[i] = -1;
	}
}

void queue_new_id(struct queue *q, char *id)
{
	/* R: the nanoseconds mixed with 32 of the random bytes the kernel
	 * gives each program it starts (AT_RANDOM; musl's stack protector
	 * takes the first 4 or 8 of the 16). A box that boots with its
	 * clock at 1970 and starts the same programs with the same PIDs
	 * makes TIME-PID-SEQ of an earlier boot again, and so too the
	 * Message-ID <ID@origin> that receivers may take for a copy. */
	const unsigned char *a = (const void *)getauxval(AT_RANDOM);
	unsigned long r;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	r = (unsigned long)ts.tv_nsec;
	if (a)
		r ^= (unsigned long)a[8] | (unsigned long)a[9] << 8 |
		     (unsigned long)a[10] << 16 | (unsigned long)a[11] << 24;
	fmt_into(id, QUEUE_ID_SIZE, "%lu-%lu-%lu-%lu",
		 (unsigned long)ts.tv_sec, (unsigned long)getpid(), q->seq++,
		 r & 0xffffffffUL);
}

int queue_tmp_open(struct queue *q, struct queue_tmp *t)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		/* In maildrop/ itself (queue_open_maildrop) the name starts
		 * with a dot, which every scan of entries passes over. */
		fmt_into(t->name, sizeof t->name, "%s%lu-%lu-%lu.tmp",
			 q->maildrop_only ? "." : "", (unsigned long)time(0),
			 (unsigned long)getpid(), q->seq++);
		t->fd = openat(q->fd[QUEUE_TMP], t->name,
			       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (t->fd >= 0)
			return 0;
		if (errno != EEXIST)
			return E_SYS;
	}
	return E_SYS;
}

void queue_tmp_abort(struct queue *q, struct queue_tmp *t)
{
	int e = errno;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	unlinkat(q->fd[QUEUE_TMP], t->name, 0);
	errno = e;
}

int queue_tmp_reopen(struct queue *q, const struct queue_tmp *t)
{
	int fd = openat(q->fd[QUEUE_TMP], t->name, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? E_SYS : fd;
}

/* fsyncs and closes t. Returns 0, or E_SYS with t removed. */
static int tmp_close(struct queue *q, struct queue_tmp *t)
{
	int fd = t->fd, rc = fsync(fd), e = errno;

	t->fd = -1;
	if (close(fd) < 0 && rc == 0) {   /* closed once, whatever fsync said */
		rc = -1;
		e = errno;
	}
	if (rc < 0) {
		errno = e;
		queue_tmp_abort(q, t);
		return E_SYS;
	}
	return 0;
}

int queue_tmp_commit(struct queue *q, struct queue_tmp *t, int dir,
		     const char *name)
{
	if (tmp_close(q, t) < 0)
		return E_SYS;
	if (renameat(q->fd[QUEUE_TMP], t->name,
		     dir >= 0 ? q->fd[dir] : AT_FDCWD, name) < 0) {
		queue_tmp_abort(q, t);
		return E_SYS;
	}
	q->dirty |= 1u << (dir >= 0 ? dir : QUEUE_REMOTE);
	return 0;
}

int queue_tmp_commit_entry(struct queue *q, struct queue_tmp *t, char *id)
{
	int md = q->fd[QUEUE_MAILDROP], tries = 0, e;

	if (tmp_close(q, t) < 0)
		return E_SYS;
	/* A link, not a rename: never over an entry of the same name. */
	while (linkat(q->fd[QUEUE_TMP], t->name, md, id, 0) < 0) {
		if (errno != EEXIST || ++tries == 100) {
			queue_tmp_abort(q, t);
			return E_SYS;
		}
		queue_new_id(q, id);
	}
	unlinkat(q->fd[QUEUE_TMP], t->name, 0);
	if (fsync(md) < 0) {
		e = errno;
		unlinkat(md, id, 0);
		errno = e;
		return E_SYS;
	}
	return 0;
}

int queue_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return E_SYS;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* tmp, write, commit to dir/name (dir -1: name is a path). */
static int put_file(struct queue *q, int dir, const char *name,
		    const char *data, size_t len)
{
	struct queue_tmp t;

	if (queue_tmp_open(q, &t) < 0)
		return E_SYS;
	if (queue_write_all(t.fd, data, len) < 0) {
		queue_tmp_abort(q, &t);
		return E_SYS;
	}
	return queue_tmp_commit(q, &t, dir, name);
}

int queue_replace(struct queue *q, const char *path, const char *data,
		  size_t len)
{
	return put_file(q, -1, path, data, len);
}

int queue_put(struct queue *q, int dir, const char *name, const char *data,
	      size_t len)
{
	return put_file(q, dir, name, data, len);
}

int queue_copy_message(struct queue *q, int fd, long long off,
		       struct queue_tmp *t, char *buf, size_t size)
{
	if (queue_tmp_open(q, t) < 0)
		return E_SYS;
	for (;;) {
		long n = readfile_pread(fd, buf, size, off);
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		if (queue_write_all(t->fd, buf, (size_t)n) < 0)
			goto fail;
		off += n;
	}
	if (fsync(t->fd) < 0)
		goto fail;
	return 0;
fail:
	queue_tmp_abort(q, t);
	return E_SYS;
}

int queue_link_message(struct queue *q, const struct queue_tmp *t,
		       const char *name)
{
	char alt[sizeof t->name + 8];
	int e;

	q->dirty |= 1u << QUEUE_MESS;
	if (linkat(q->fd[QUEUE_TMP], t->name, q->fd[QUEUE_MESS], name, 0) == 0)
		return 0;
	if (errno != EEXIST)
		return E_SYS;
	/* A link left by an interrupted sort: replaced in one rename. The
	 * second name ends in .tmp like the first, so that a kill between
	 * the link and the rename leaves a file the sweep removes. */
	fmt_into(alt, sizeof alt, "%.*s.l.tmp", (int)(strlen(t->name) - 4),
		 t->name);
	if (linkat(q->fd[QUEUE_TMP], t->name, q->fd[QUEUE_TMP], alt, 0) < 0)
		return E_SYS;
	if (renameat(q->fd[QUEUE_TMP], alt, q->fd[QUEUE_MESS], name) < 0) {
		e = errno;
		unlinkat(q->fd[QUEUE_TMP], alt, 0);
		errno = e;
		return E_SYS;
	}
	return 0;
}

int queue_maildrop_done(struct queue *q, const char *name)
{
	if (queue_sync(q) < 0)
		return E_SYS;
	if (unlinkat(q->fd[QUEUE_MAILDROP], name, 0) < 0 && errno != ENOENT)
		return E_SYS;
	q->dirty |= 1u << QUEUE_MAILDROP;
	return 0;
}

int queue_unsorted(struct queue *q, const char *list_name)
{
	char id[QUEUE_ID_SIZE];
	struct stat st;
	size_t n = strcspn(list_name, ".");

	if (n >= sizeof id)
		return 0;
	memcpy(id, list_name, n);
	id[n] = 0;
	/* Any answer but "no such entry" (a queue the caller cannot read)
	 * holds the list: never a run on lists that may be replaced. */
	return fstatat(q->fd[QUEUE_MAILDROP], id, &st,
		       AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

static int is_entry(const char *name, void *arg)
{
	(void)arg;
	return name[0] != '.' && !strchr(name, '.');
}

int queue_maildrop_empty(struct queue *q)
{
	return queue_scan(q, QUEUE_MAILDROP, is_entry, 0) == 0;
}

struct drop {
	struct queue *q;
	int dir;
};

static int drop_each(const char *name, void *arg)
{
	struct drop *d = arg;

	if (queue_unsorted(d->q, name) && unlinkat(d->q->fd[d->dir], name,
						   0) == 0)
		d->q->dirty |= 1u << d->dir;
	return 0;
}

void queue_drop_unsorted(struct queue *q)
{
	static const unsigned char dirs[] = { QUEUE_REMOTE, QUEUE_LOCAL,
					      QUEUE_MESS };
	struct drop d = { q, 0 };
	size_t i;

	if (queue_maildrop_empty(q))
		return;
	for (i = 0; i < sizeof dirs; i++) {      /* lists, then links */
		d.dir = dirs[i];
		queue_scan(q, d.dir, drop_each, &d);
	}
}

int queue_remove(struct queue *q, int dir, const char *name)
{
	if (unlinkat(q->fd[dir], name, 0) < 0 && errno != ENOENT)
		return E_SYS;
	q->dirty |= 1u << dir;
	return 0;
}

int queue_set_aside(struct queue *q, const char *name)
{
	char bad[QUEUE_ID_SIZE + 16];

	if ((size_t)fmt_into(bad, sizeof bad, "%s.bad", name) >= sizeof bad) {
		errno = ENAMETOOLONG;
		return E_SYS;
	}
	if (renameat(q->fd[QUEUE_MAILDROP], name, q->fd[QUEUE_MAILDROP],
		     bad) < 0)
		return E_SYS;
	q->dirty |= 1u << QUEUE_MAILDROP;
	return 0;
}

int queue_lock_domain(struct queue *q, const char *domain)
{
	int fd = openat(q->fd[QUEUE_LOCK], domain,
			O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return E_SYS;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return e == EWOULDBLOCK ? E_BUSY : E_SYS;
	}
	return fd;
}

int queue_lock_is(struct queue *q, const char *domain, int fd)
{
	struct stat a, b;

	return fd >= 0 && fstat(fd, &a) == 0 &&
	       fstatat(q->fd[QUEUE_LOCK], domain, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int queue_unlock_domain(struct queue *q, const char *domain)
{
	int fd = openat(q->fd[QUEUE_LOCK], domain, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return E_BUSY;
	}
	unlinkat(q->fd[QUEUE_LOCK], domain, 0);
	close(fd);
	return 0;
}

int queue_finish(struct queue *q, const char *path, const char *name)
{
	if (renameat(AT_FDCWD, path, q->fd[QUEUE_DONE], name) < 0) {
		/* A list outside the queue's file system (EXDEV) cannot move
		 * to done/: remove it first, so that its recipients are never
		 * sent twice. A crash before the next unlink leaves only an
		 * orphan link in mess/, no mail lost or repeated. */
		if (errno != EXDEV || unlink(path) < 0)
			return E_SYS;
	}
	if (unlinkat(q->fd[QUEUE_MESS], name, 0) < 0 && errno != ENOENT)
		return E_SYS;
	if (unlinkat(q->fd[QUEUE_DONE], name, 0) < 0 && errno != ENOENT)
		return E_SYS;
	q->dirty |= 1u << QUEUE_REMOTE | 1u << QUEUE_MESS | 1u << QUEUE_DONE;
	return 0;
}

static int sweep_one(const char *name, void *arg)
{
	struct queue *q = arg;
	unlinkat(q->fd[QUEUE_MESS], name, 0);
	unlinkat(q->fd[QUEUE_DONE], name, 0);
	q->dirty |= 1u << QUEUE_MESS | 1u << QUEUE_DONE;
	return 0;
}

/* /proc counts in USER_HZ, 100 on every Linux ABI (musl's
 * sysconf(_SC_CLK_TCK) answers that constant too; sysconf costs 1 KB). */
#define PROC_TICKS_PER_SECOND 100ULL

/* When process pid started, by the time of day now (its start in clock
 * ticks since boot, /proc/PID/stat field 22), or -1 when that cannot be
 * read (then it is taken to be the writer). */
static long long proc_started(unsigned long pid)
{
	char path[40], buf[512];
	struct timespec up;
	unsigned long long ticks = 0;
	const char *p;
	long n;
	int field;

	fmt_into(path, sizeof path, "/proc/%lu/stat", pid);
	n = readfile_at(AT_FDCWD, path, buf, sizeof buf, 0);
	if (n <= 0 || clock_gettime(CLOCK_BOOTTIME, &up) < 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')');    /* the name may hold spaces and parens */
	if (!p)
		return -1;
	for (field = 2; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	while (*p >= '0' && *p <= '9')
		ticks = ticks * 10 + (unsigned long long)(*p++ - '0');
	return (long long)time(0) - (long long)up.tv_sec +
	       (long long)(ticks / PROC_TICKS_PER_SECOND);
}

/* A temporary file is named TIME-PID-SEQ.tmp (in maildrop/, with a dot
 * first); it is stale once its writer is gone (killed mid-write, or the
 * power cut), and then nobody will rename it. Its writer is gone when no
 * process has its PID, or when the one that has it started after the file
 * was last written (the PID was used again: after a reboot, a box starts
 * its daemons with the same PIDs every time). The two times are compared
 * only when the clock was set for both or for neither (CLOCK_SET_MIN): a
 * clock set from 1970 while a writer works must not make it look stale. */
static int sweep_in(int dirfd, const char *name)
{
	const char *p = strchr(name, '-');
	size_t n = strlen(name);
	unsigned long pid = 0;

	if (!p || n < 4 || strcmp(name + n - 4, ".tmp"))
		return 0;
	for (p++; *p >= '0' && *p <= '9'; p++)
		pid = pid * 10 + (unsigned long)(*p - '0');
	if (*p != '-' || pid == 0 || pid > 0x7fffffffUL)
		return 0;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
		unlinkat(dirfd, name, 0);
	} else {
		struct stat st;
		long long started = proc_started(pid);
		/* A second either way: both times are whole seconds. */
		if (started >= 0 && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (started >= CLOCK_SET_MIN) == (st.st_mtime >= CLOCK_SET_MIN) &&
		    started > (long long)st.st_mtime + 1)
			unlinkat(dirfd, name, 0);
	}
	return 0;
}

static int sweep_tmp(const char *name, void *arg)
{
	return sweep_in(((struct queue *)arg)->fd[QUEUE_TMP], name);
}

static int sweep_maildrop(const char *name, void *arg)
{
	return name[0] == '.' ? sweep_in(((struct queue *)arg)->fd[QUEUE_MAILDROP],
					  name) : 0;
}

void queue_sweep(struct queue *q)
{
	dirscan(q->fd[QUEUE_DONE], sweep_one, q);
	dirscan(q->fd[QUEUE_TMP], sweep_tmp, q);
}

void queue_sweep_maildrop_one(struct queue *q, const char *name)
{
	sweep_maildrop(name, q);
}

void queue_sweep_maildrop(struct queue *q)
{
	dirscan(q->fd[QUEUE_MAILDROP], sweep_maildrop, q);
}

int queue_open_message(struct queue *q, const char *name, long long *len)
{
	return queue_open_entry(q, QUEUE_MESS, name, len);
}

int queue_sync(struct queue *q)
{
	int i, rc = 0;
	for (i = 0; i < QUEUE_DIRS; i++)
		if ((q->dirty & 1u << i) && fsync(q->fd[i]) < 0)
			rc = E_SYS;
	q->dirty = 0;
	return rc;
}

int queue_message_noted(int msgfd)
{
	struct stat st;
	if (fstat(msgfd, &st) < 0)
		return -1;
	return (st.st_mode & S_IXUSR) != 0;
}

int queue_message_note(int msgfd)
{
	struct stat st;
	if (fstat(msgfd, &st) < 0)
		return -1;
	return fchmod(msgfd, (st.st_mode & 07777) | S_IXUSR);
}

int queue_share_maildrop(struct queue *q, const char *path, long gid)
{
	if (gid < 0)
		return chmod(path, 0700) < 0 || fchmod(q->fd[QUEUE_MAILDROP], 0700) < 0
		       ? E_SYS : 0;
	if (chown(path, (uid_t)-1, (gid_t)gid) < 0 || chmod(path, 0710) < 0 ||
	    fchown(q->fd[QUEUE_MAILDROP], (uid_t)-1, (gid_t)gid) < 0 ||
	    fchmod(q->fd[QUEUE_MAILDROP], 01770) < 0)
		return E_SYS;
	return 0;
}

long queue_sts_read(struct queue *q, const char *domain, char *buf,
		    size_t size)
{
	if (q->fd[QUEUE_STS] < 0)
		return READFILE_MISSING;
	return readfile_queue(q->fd[QUEUE_STS], domain, buf, size, 0);
}

/* The cache's oldest entry other than keep, while counting them. */
static struct {
	int dir;
	const char *keep;
	size_t n;
	long long oldest;
	char name[SMTP_DOMAIN_SIZE + 1];
} sts_scan;

static int sts_each(const char *name, void *arg)
{
	struct stat st;

	(void)arg;
	if (name[0] == '.')
		return 0;
	sts_scan.n++;
	if (!strcmp(name, sts_scan.keep) ||
	    fstatat(sts_scan.dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!sts_scan.name[0] || (long long)st.st_mtime < sts_scan.oldest) {
		sts_scan.oldest = (long long)st.st_mtime;
		fmt_into(sts_scan.name, sizeof sts_scan.name, "%s", name);
	}
	return 0;
}

int queue_sts_write(struct queue *q, const char *domain, const char *text,
		    size_t len)
{
	if (q->fd[QUEUE_STS] < 0) {
		errno = ENOENT;
		return E_SYS;
	}
	memset(&sts_scan, 0, sizeof sts_scan);
	sts_scan.dir = q->fd[QUEUE_STS];
	sts_scan.keep = domain;
	queue_scan(q, QUEUE_STS, sts_each, 0);
	if (sts_scan.n >= STS_CACHE_MAX && sts_scan.name[0])
		queue_remove(q, QUEUE_STS, sts_scan.name);
	return queue_put(q, QUEUE_STS, domain, text, len);
}
