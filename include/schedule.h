/* schedule.h: smtprcd's domain table and back-off, without processes or
 * files, so that its arithmetic is unit-tested.
 *
 * One entry per domain with queued lists: its relay client's pid while
 * one runs, how many runs in a row deferred, and when it may start next.
 * A run that deferred waits retry_first seconds, doubling up to
 * retry_max; a run that settled everything makes the domain due at once.
 * At most SMTPRCD_DOMAINS_MAX domains: a further one is not taken (the
 * caller logs it, or frees an idle entry for it) until an entry is freed.
 * The back-off holds for the whole domain: lists left out of a run that
 * deferred wait with the rest (the caller starts with them next time).
 * Entries are found through a hash of their names (SCHED_BUCKETS chains),
 * so a scan of the queue costs the same per list at any table size.
 */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include <stddef.h>
#include <sys/types.h>
#include "config.h"

struct sched_dom {
	char name[SMTP_DOMAIN_SIZE + 1];  /* empty: a free entry */
	pid_t pid;                        /* its relay client, or 0 */
	unsigned failures;                /* runs in a row that deferred */
	long long next_ms;                /* not started before this */
	unsigned nlists;                  /* lists seen by the last scan,
					     less those settled since */
	int more;                         /* lists left out of the last run */
	unsigned taken;                   /* lists given to the last run */
	int counted_running;              /* a scan counted its lists while
					     a run worked on them: what is
					     left after the run is unknown */
	unsigned skip;                    /* the next run starts this many
					     lists into the domain's
					     directory order (round robin) */
	long long started_ms;
	unsigned short chain;             /* next entry of its bucket + 1 */
};

#define SCHED_BUCKETS (2 * SMTPRCD_DOMAINS_MAX)

struct sched {
	struct sched_dom dom[SMTPRCD_DOMAINS_MAX];
	unsigned short bucket[SCHED_BUCKETS];   /* first entry + 1, or 0 */
	unsigned long retry_first, retry_max;   /* seconds */
	unsigned running;                       /* entries with a pid */
	unsigned used;                          /* entries with a name */
};

/* Empties the table. retry_max below retry_first is taken as
 * retry_first. */
void sched_init(struct sched *s, unsigned long retry_first,
		unsigned long retry_max);

/* Seconds to wait after the n-th run in a row that deferred (n >= 1):
 * retry_first * 2^(n-1), at most retry_max. */
unsigned long sched_backoff(const struct sched *s, unsigned n);

/* The entry of name[0..len), or with create a new one (due at once),
 * or 0 when there is none (and with create: the table is full, or len is
 * over SMTP_DOMAIN_SIZE). */
struct sched_dom *sched_find(struct sched *s, const char *name, size_t len,
			     int create);

/* 1 when every entry has a name: sched_find creates none. */
int sched_full(const struct sched *s);

/* Frees entry e (not running). */
void sched_free(struct sched *s, struct sched_dom *e);

/* The entry whose relay client is pid, or 0. */
struct sched_dom *sched_by_pid(struct sched *s, pid_t pid);

/* A domain seen for the first time after a restart: attempts runs have
 * deferred, the last one ending at mtime_ms (from a list's attempts count
 * and modification time, on the caller's clock: never after now), so the
 * back-off goes on where it was. attempts 0: due at now. Counts over 30
 * are taken as 30. */
void sched_restore(const struct sched *s, struct sched_dom *e,
		   unsigned long attempts, long long mtime_ms, long long now);

/* Records that e's relay client pid started at now. */
void sched_started(struct sched *s, struct sched_dom *e, pid_t pid,
		   long long now);

/* Records the end of e's run at now: settled (due again at once; its
 * lists are gone from the count) or not (the next back-off, for every
 * list of the domain; the next run starts after the lists this one
 * tried). Returns the seconds until e is due again. */
unsigned long sched_ended(struct sched *s, struct sched_dom *e, int settled,
			  long long now);

/* 1 when e should start at now: lists queued, no run, and due (or
 * flush: sendmail -q). */
int sched_due(const struct sched_dom *e, long long now, int flush);

#endif
