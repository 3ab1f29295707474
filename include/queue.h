/* queue.h: the one module that writes queue files (docs/queue.md).
 *
 * The queue is a directory holding maildrop/ mess/ remote/ done/ tmp/
 * local/.
 * Every new or changed file is written under tmp/, fsynced, and renamed
 * into place; a state change is one rename. Directories changed by a run
 * are fsynced before smtprc reports success (queue_sync), and maildrop/
 * at once after each bounce, since a recipient leaves its list only once
 * its bounce is durable.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <stddef.h>
#include "config.h"

enum { QUEUE_MAILDROP, QUEUE_MESS, QUEUE_REMOTE, QUEUE_DONE, QUEUE_TMP,
       QUEUE_LOCAL, QUEUE_DIRS };

struct queue {
	int fd[QUEUE_DIRS];    /* open directories */
	unsigned dirty;        /* bit per directory changed since last sync */
	unsigned long seq;     /* for unique names */
};

struct queue_tmp {
	int fd;
	char name[QUEUE_ID_SIZE + 32];
};

/* Opens the queue at path, creating missing subdirectories (mode 0700).
 * Returns 0 or E_SYS. */
int queue_open(struct queue *q, const char *path);
void queue_close(struct queue *q);

/* Writes a fresh unique queue identifier "TIME-PID-SEQ" into id, which has
 * QUEUE_ID_SIZE bytes. */
void queue_new_id(struct queue *q, char *id);

/* Creates a new empty file in tmp/ for writing. Returns 0 or E_SYS. */
int queue_tmp_open(struct queue *q, struct queue_tmp *t);
/* fsyncs and closes t, renames it to name in directory dir (QUEUE_*) or,
 * when dir is -1, to the path name relative to the working directory;
 * with sync_dir the target directory is fsynced at once. On failure the
 * temporary file is removed and E_SYS returned (errno kept). */
int queue_tmp_commit(struct queue *q, struct queue_tmp *t, int dir,
		     const char *name, int sync_dir);
void queue_tmp_abort(struct queue *q, struct queue_tmp *t);

/* Writes all n bytes to fd, retrying short writes and EINTR. Returns 0
 * or E_SYS. */
int queue_write_all(int fd, const char *p, size_t n);

/* Writes data to a new file that replaces path (a recipient list). */
int queue_replace(struct queue *q, const char *path, const char *data,
		  size_t len);

/* A list whose recipients are all finished: renames path to done/NAME,
 * removes the message link mess/NAME, then done/NAME. NAME is the list's
 * file name, which is also its message link's name. Returns 0 or E_SYS. */
int queue_finish(struct queue *q, const char *path, const char *name);

/* Completes every finish that a crash interrupted (entries in done/) and
 * removes temporary files whose writer no longer runs. */
void queue_sweep(struct queue *q);

/* Opens mess/NAME for reading. Returns an fd or E_SYS. */
int queue_open_message(struct queue *q, const char *name);

/* fsyncs every directory changed since the last call. Returns 0 or E_SYS. */
int queue_sync(struct queue *q);

#endif
