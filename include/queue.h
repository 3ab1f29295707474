/* queue.h: the one module that writes queue files (docs/queue.md).
 *
 * The queue is a directory holding maildrop/ mess/ remote/ done/ tmp/
 * local/ lock/. No other file touches its directory descriptors: the
 * programs name a directory (QUEUE_*) and an entry, and the crash rules
 * of every state in docs/queue.md live in this file.
 * Every new or changed file is written under tmp/, fsynced, and renamed
 * into place; a state change is one rename. Directories changed by a run
 * are fsynced before smtprc reports success (queue_sync), and maildrop/
 * at once after each bounce, since a recipient leaves its list only once
 * its bounce is durable.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <stddef.h>
#include <sys/stat.h>
#include "config.h"

enum { QUEUE_MAILDROP, QUEUE_MESS, QUEUE_REMOTE, QUEUE_DONE, QUEUE_TMP,
       QUEUE_LOCAL, QUEUE_LOCK, QUEUE_STS, QUEUE_DIRS };

struct queue {
	int fd[QUEUE_DIRS];    /* open directories */
	unsigned dirty;        /* bit per directory changed since last sync */
	unsigned long seq;     /* for unique names */
	int maildrop_only;     /* queue_open_maildrop: temporary files in
				  maildrop/, named with a dot first */
};

struct queue_tmp {
	int fd;
	char name[QUEUE_ID_SIZE + 32];
};

/* Opens the queue at path, creating missing subdirectories (mode 0700).
 * Returns 0 or E_SYS. */
int queue_open(struct queue *q, const char *path);
/* Opens only maildrop/ of the queue at path (sendmail: all a caller of
 * the drop group may write, docs/security.md), creating it when create
 * and it is missing. Temporary files are then written in maildrop/
 * itself, named with a dot first (passed over by every scan, swept by
 * queue_sweep_maildrop once their writer is gone), and renamed into
 * place there. Returns 0 or E_SYS. */
int queue_open_maildrop(struct queue *q, const char *path, int create);
/* The modes that let the drop group (gid; -1: none) write new entries
 * into maildrop/ and do nothing else: the queue at path root:gid 0710
 * (traversed, not listed), maildrop/ root:gid 1770 (written, and read:
 * a new entry is durable only once the directory is fsynced, which needs
 * a descriptor opened for reading; sticky: nobody removes another's
 * file, and the entries are 0600, their writer's). Without a drop group
 * both are 0700. Returns 0 or E_SYS. */
int queue_share_maildrop(struct queue *q, const char *path, long gid);
/* Removes maildrop/'s temporary files whose writer no longer runs (a
 * sendmail killed mid-write). */
void queue_sweep_maildrop(struct queue *q);
/* The same for one name of maildrop/ (a scan's dot file). */
void queue_sweep_maildrop_one(struct queue *q, const char *name);
/* Opens the queue at path for reading only (mailq): nothing is created,
 * and a missing subdirectory is left closed (its scans find nothing).
 * Returns 0 or E_SYS when path itself cannot be opened. */
int queue_open_readonly(struct queue *q, const char *path);
void queue_close(struct queue *q);

/* Calls each(name, arg) for every entry of dir (QUEUE_*) but dot files,
 * as dirscan does. Returns 0, each's nonzero value, or E_SYS. */
int queue_scan(struct queue *q, int dir, int (*each)(const char *name,
						     void *arg), void *arg);
/* Reads the whole entry dir/name into buf (see readfile_queue: a length
 * or a READFILE_* code); st, when not null, gets its status. */
long queue_read(struct queue *q, int dir, const char *name, char *buf,
		size_t size, struct stat *st);
/* Opens dir/name for reading: a regular file only, never through a
 * symbolic link, never blocking (readfile_open_queue); *len, when len is
 * not null, gets its length. Returns an fd or E_SYS (errno ELOOP or
 * EINVAL for what is not a regular file). */
int queue_open_entry(struct queue *q, int dir, const char *name,
		     long long *len);
/* The status of dir/name. Returns 0 or E_SYS. */
int queue_stat(struct queue *q, int dir, const char *name, struct stat *st);

/* Writes a fresh unique queue identifier "TIME-PID-SEQ-R" into id, which
 * has QUEUE_ID_SIZE bytes (R: 32 random bits, docs/queue.md). */
void queue_new_id(struct queue *q, char *id);

/* Creates a new empty file in tmp/ for writing. Returns 0 or E_SYS. */
int queue_tmp_open(struct queue *q, struct queue_tmp *t);
/* fsyncs and closes t, renames it to name in directory dir (QUEUE_*) or,
 * when dir is -1, to the path name relative to the working directory;
 * the directory is fsynced by queue_sync. On failure the temporary file
 * is removed and E_SYS returned (errno kept). */
int queue_tmp_commit(struct queue *q, struct queue_tmp *t, int dir,
		     const char *name);
/* A new maildrop entry maildrop/ID: t fsynced, closed and linked there
 * (a link, not a rename: an entry of the same name, made by a boot whose
 * clock and PIDs were the same, is never replaced; a fresh ID is written
 * into id and tried instead), its tmp name removed and maildrop/ fsynced
 * at once; when that fails the entry is removed again, so that a caller
 * told "not durable" never leaves one behind. Returns 0 or E_SYS,
 * nothing left behind on failure. */
int queue_tmp_commit_entry(struct queue *q, struct queue_tmp *t, char *id);
void queue_tmp_abort(struct queue *q, struct queue_tmp *t);
/* The temporary file t opened again for reading (a bounce quotes the
 * message being sorted). Returns an fd or E_SYS. */
int queue_tmp_reopen(struct queue *q, const struct queue_tmp *t);

/* Writes data as the new entry dir/name (tmp, write, fsync, rename over
 * an older one; the directory is fsynced by queue_sync). Returns 0 or
 * E_SYS, leaving nothing behind on failure. */
int queue_put(struct queue *q, int dir, const char *name, const char *data,
	      size_t len);

/* Posting office (docs/queue.md, "sorted"). queue_copy_message copies fd
 * from offset off to its end into a new temporary file t through buf,
 * and fsyncs it; on failure nothing is left and E_SYS is returned.
 * queue_link_message links t as mess/name, replacing a link that an
 * interrupted earlier sort left. queue_maildrop_done makes every change
 * durable (queue_sync) and only then removes maildrop/name: a crash
 * before leaves the entry to be sorted again. queue_set_aside renames
 * maildrop/name to name.bad, never touched again. Each returns 0 or
 * E_SYS. */
int queue_copy_message(struct queue *q, int fd, long long off,
		       struct queue_tmp *t, char *buf, size_t size);
int queue_link_message(struct queue *q, const struct queue_tmp *t,
		       const char *name);
int queue_maildrop_done(struct queue *q, const char *name);

/* 1 when maildrop/ID is still there for the message ID that a list's
 * name (ID.DOMAIN) starts with: the posting office has not finished
 * sorting it, so its lists and links may still be replaced and are not
 * the queue's yet (docs/queue.md, "sorted"); 0 when it is gone. */
int queue_unsorted(struct queue *q, const char *list_name);
/* 1 when maildrop/ holds no entry (dot files and ID.bad aside): then
 * every list read before the call is the queue's (queue_unsorted is 0
 * for each). A folder that cannot be read counts as not empty. */
int queue_maildrop_empty(struct queue *q);
/* At smtppd's start, when maildrop/ has entries: removes every list and
 * message link (remote/, local/, mess/) whose entry is still there, left
 * by a sort that did not finish. The entry is sorted again from scratch,
 * by today's routes, so none of them is left to be relayed twice. */
void queue_drop_unsorted(struct queue *q);
/* Removes dir/name (an entry this process made a moment ago and must take
 * back). Returns 0 or E_SYS; a missing entry is not an error. */
int queue_remove(struct queue *q, int dir, const char *name);
int queue_set_aside(struct queue *q, const char *name);

/* Domain locks (lock/DOMAIN), held with flock by the relay client of a
 * domain for its whole life. queue_lock_domain returns the locked fd
 * (close-on-exec; the caller clears that for its child), E_BUSY when
 * another process holds it, or E_SYS. queue_unlock_domain removes the
 * lock file of a domain with nothing queued, but only while nobody holds
 * it; returns 0, or E_BUSY when someone does. */
int queue_lock_domain(struct queue *q, const char *domain);
int queue_unlock_domain(struct queue *q, const char *domain);
/* 1 when fd is an open file of lock/DOMAIN (the lock smtprcd handed to
 * its relay client), else 0. */
int queue_lock_is(struct queue *q, const char *domain, int fd);

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

/* Opens mess/NAME for reading; *len, when len is not null, gets its
 * length in bytes. Returns an fd or E_SYS. */
int queue_open_message(struct queue *q, const char *name, long long *len);

/* The one-bit note a message carries for all its domains: its file's
 * owner-execute bit, shared by every link of the inode (mess/ID.DOMAIN).
 * Set: a delay warning was sent for it (reports.h). queue_message_noted
 * returns 1, 0, or -1 (errno); queue_message_note returns 0 or -1. */
int queue_message_noted(int msgfd);
int queue_message_note(int msgfd);

/* fsyncs every directory changed since the last call. Returns 0 or E_SYS. */
int queue_sync(struct queue *q);

/* MTA-STS's policy cache (RFC 8461 §5.1): sts/DOMAIN, one small file a
 * domain, at most STS_CACHE_MAX of them. queue_sts_read reads it into
 * buf (readfile.h's lengths and codes). queue_sts_write replaces it (tmp,
 * fsync, rename; the folder synced by queue_sync); when the cache is full
 * the least recently written other entry is removed first. Returns 0 or
 * E_SYS. */
long queue_sts_read(struct queue *q, const char *domain, char *buf,
		    size_t size);
int queue_sts_write(struct queue *q, const char *domain, const char *text,
		    size_t len);

#endif
