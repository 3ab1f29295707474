/* schedule.c: see schedule.h. */
#include <string.h>
#include "schedule.h"

void sched_init(struct sched *s, unsigned long retry_first,
		unsigned long retry_max)
{
	memset(s->dom, 0, sizeof s->dom);
	memset(s->bucket, 0, sizeof s->bucket);
	s->retry_first = retry_first;
	s->retry_max = retry_max < retry_first ? retry_first : retry_max;
	s->running = 0;
	s->used = 0;
}

unsigned long sched_backoff(const struct sched *s, unsigned n)
{
	unsigned long t = s->retry_first;
	while (n-- > 1 && t < s->retry_max)
		t *= 2;
	return t < s->retry_max ? t : s->retry_max;
}

/* FNV-1a of the name. */
static size_t bucket_of(const char *name, size_t len)
{
	unsigned long h = 2166136261UL;
	size_t i;
	for (i = 0; i < len; i++)
		h = ((h ^ (unsigned char)name[i]) * 16777619UL) & 0xffffffffUL;
	return h % SCHED_BUCKETS;
}

struct sched_dom *sched_find(struct sched *s, const char *name, size_t len,
			     int create)
{
	size_t b = bucket_of(name, len), i;
	unsigned k;

	for (k = s->bucket[b]; k; k = s->dom[k - 1].chain) {
		struct sched_dom *e = &s->dom[k - 1];
		if (!memcmp(e->name, name, len) && !e->name[len])
			return e;
	}
	if (!create || !len || len > SMTP_DOMAIN_SIZE || sched_full(s))
		return 0;
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		struct sched_dom *e = &s->dom[i];
		if (e->name[0])
			continue;
		memset(e, 0, sizeof *e);
		memcpy(e->name, name, len);
		e->name[len] = 0;
		e->chain = s->bucket[b];
		s->bucket[b] = (unsigned short)(i + 1);
		s->used++;
		return e;
	}
	return 0;
}

int sched_full(const struct sched *s)
{
	return s->used == SMTPRCD_DOMAINS_MAX;
}

void sched_free(struct sched *s, struct sched_dom *e)
{
	unsigned short *p = &s->bucket[bucket_of(e->name, strlen(e->name))];
	unsigned self = (unsigned)(e - s->dom) + 1;

	while (*p && *p != self)
		p = &s->dom[*p - 1].chain;
	if (*p)
		*p = e->chain;
	if (e->name[0])
		s->used--;
	e->name[0] = 0;
	e->chain = 0;
}

struct sched_dom *sched_by_pid(struct sched *s, pid_t pid)
{
	size_t i;
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++)
		if (s->dom[i].name[0] && s->dom[i].pid == pid)
			return &s->dom[i];
	return 0;
}

void sched_restore(const struct sched *s, struct sched_dom *e,
		   unsigned long attempts, long long mtime_ms, long long now)
{
	e->next_ms = now;
	if (!attempts)
		return;
	e->failures = (unsigned)(attempts > 30 ? 30 : attempts);
	if (mtime_ms > now)
		mtime_ms = now;
	e->next_ms = mtime_ms + (long long)sched_backoff(s, e->failures) * 1000;
}

void sched_started(struct sched *s, struct sched_dom *e, pid_t pid,
		   long long now)
{
	e->pid = pid;
	e->started_ms = now;
	s->running++;
}

unsigned long sched_ended(struct sched *s, struct sched_dom *e, int settled,
			  long long now)
{
	unsigned long wait = 0;

	if (e->pid)
		s->running--;
	e->pid = 0;
	if (settled) {
		e->failures = 0;
		e->nlists = e->nlists > e->taken ? e->nlists - e->taken : 0;
	} else {
		wait = sched_backoff(s, ++e->failures);
		e->skip = e->nlists ? (e->skip + e->taken) % e->nlists : 0;
	}
	e->next_ms = now + (long long)wait * 1000;
	return wait;
}

int sched_due(const struct sched_dom *e, long long now, int flush)
{
	return e->name[0] && !e->pid && e->nlists &&
	       (flush || e->next_ms <= now);
}
