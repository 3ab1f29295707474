/* queue.c: see queue.h and docs/queue.md. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "dirscan.h"
#include "err.h"
#include "queue.h"

static const char *const dir_names[QUEUE_DIRS] = {
	"maildrop", "mess", "remote", "done", "tmp", "local"
};

int queue_open(struct queue *q, const char *path)
{
	int top, i;

	for (i = 0; i < QUEUE_DIRS; i++)
		q->fd[i] = -1;
	q->dirty = 0;
	q->seq = 0;
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
	i = errno;
	close(top);
	queue_close(q);
	errno = i;
	return E_SYS;
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
	snprintf(id, QUEUE_ID_SIZE, "%lu-%lu-%lu", (unsigned long)time(0),
		 (unsigned long)getpid(), q->seq++);
}

int queue_tmp_open(struct queue *q, struct queue_tmp *t)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		snprintf(t->name, sizeof t->name, "%lu-%lu-%lu.tmp",
			 (unsigned long)time(0), (unsigned long)getpid(),
			 q->seq++);
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

int queue_tmp_commit(struct queue *q, struct queue_tmp *t, int dir,
		     const char *name, int sync_dir)
{
	int dfd = dir >= 0 ? q->fd[dir] : AT_FDCWD;

	if (fsync(t->fd) < 0)
		goto fail;
	if (close(t->fd) < 0) {
		t->fd = -1;
		goto fail;
	}
	t->fd = -1;
	if (renameat(q->fd[QUEUE_TMP], t->name, dfd, name) < 0)
		goto fail;
	if (dir >= 0) {
		if (sync_dir && fsync(dfd) < 0)
			return E_SYS;
		if (!sync_dir)
			q->dirty |= 1u << dir;
	} else {
		q->dirty |= 1u << QUEUE_REMOTE;
	}
	return 0;
fail:
	queue_tmp_abort(q, t);
	return E_SYS;
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

int queue_replace(struct queue *q, const char *path, const char *data,
		  size_t len)
{
	struct queue_tmp t;

	if (queue_tmp_open(q, &t) < 0)
		return E_SYS;
	if (queue_write_all(t.fd, data, len) < 0) {
		queue_tmp_abort(q, &t);
		return E_SYS;
	}
	return queue_tmp_commit(q, &t, -1, path, 0);
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

/* A temporary file is named TIME-PID-SEQ.tmp; it is stale once its
 * writer is gone (killed mid-write), and then nobody will rename it. */
static int sweep_tmp(const char *name, void *arg)
{
	struct queue *q = arg;
	const char *p = strchr(name, '-');
	unsigned long pid = 0;

	if (!p)
		return 0;
	for (p++; *p >= '0' && *p <= '9'; p++)
		pid = pid * 10 + (unsigned long)(*p - '0');
	if (*p != '-' || pid == 0 || pid > 0x7fffffffUL)
		return 0;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		unlinkat(q->fd[QUEUE_TMP], name, 0);
	return 0;
}

void queue_sweep(struct queue *q)
{
	dirscan(q->fd[QUEUE_DONE], sweep_one, q);
	dirscan(q->fd[QUEUE_TMP], sweep_tmp, q);
}

int queue_open_message(struct queue *q, const char *name)
{
	int fd = openat(q->fd[QUEUE_MESS], name, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? E_SYS : fd;
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
