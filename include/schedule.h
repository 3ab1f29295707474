/* schedule.h: smtprcd's domain table and back-off, without processes or
 * files, so that its arithmetic is unit-tested.
 *
 * One entry per domain with queued lists: its relay client's pid while
 * one runs, how many runs in a row deferred, and when it may start next.
 * A run that deferred waits retry_first seconds, doubling up to
 * retry_max; a run that settled everything makes the domain due at once.
 * At most SMTPRCD_DOMAINS_MAX domains: a further one is not taken (the
 * caller logs it) until an entry is freed.
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
	unsigned nlists;                  /* lists seen by the last scan */
	int more;                         /* lists left out of the last run */
	long long started_ms;
};

struct sched {
	struct sched_dom dom[SMTPRCD_DOMAINS_MAX];
	unsigned long retry_first, retry_max;   /* seconds */
	unsigned running;                       /* entries with a pid */
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

/* The entry whose relay client is pid, or 0. */
struct sched_dom *sched_by_pid(struct sched *s, pid_t pid);

/* A domain seen for the first time after a restart: attempts runs have
 * deferred, the last one ending at mtime_ms (a list's attempts count and
 * modification time), so the back-off goes on where it was. attempts 0:
 * due at now. Counts over 30 are taken as 30. */
void sched_restore(const struct sched *s, struct sched_dom *e,
		   unsigned long attempts, long long mtime_ms, long long now);

/* Records that e's relay client pid started at now. */
void sched_started(struct sched *s, struct sched_dom *e, pid_t pid,
		   long long now);

/* Records the end of e's run at now: settled (due again at once) or not
 * (the next back-off). Returns the seconds until e is due again. */
unsigned long sched_ended(struct sched *s, struct sched_dom *e, int settled,
			  long long now);

/* 1 when e should start at now: lists queued, no run, and due (or lists
 * left out of its last run, or flush). */
int sched_due(const struct sched_dom *e, long long now, int flush);

#endif
