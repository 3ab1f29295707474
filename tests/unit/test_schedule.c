/* test_schedule.c: smtprcd's domain table and back-off (schedule.h). */
#include "schedule.h"
#include "unit.h"

static struct sched s;

static void schedule_backoff(void)
{
	sched_init(&s, 300, 14400);
	CHECK(sched_backoff(&s, 1) == 300);
	CHECK(sched_backoff(&s, 2) == 600);
	CHECK(sched_backoff(&s, 3) == 1200);
	CHECK(sched_backoff(&s, 6) == 9600);
	CHECK(sched_backoff(&s, 7) == 14400);      /* capped, not 19200 */
	CHECK(sched_backoff(&s, 30) == 14400);
	CHECK(sched_backoff(&s, 4000000000u) == 14400);  /* no overflow */
	/* A maximum that is not a power-of-two multiple. */
	sched_init(&s, 1, 5);
	CHECK(sched_backoff(&s, 1) == 1);
	CHECK(sched_backoff(&s, 3) == 4);
	CHECK(sched_backoff(&s, 4) == 5);
	/* retry_max below retry_first is retry_first. */
	sched_init(&s, 60, 10);
	CHECK(s.retry_max == 60);
	CHECK(sched_backoff(&s, 5) == 60);
}

static void schedule_runs(void)
{
	struct sched_dom *e;
	long long now = 1000000;

	sched_init(&s, 300, 14400);
	e = sched_find(&s, "example.com", 11, 1);
	CHECK(e != 0 && !strcmp(e->name, "example.com"));
	CHECK(sched_find(&s, "example.com", 11, 0) == e);
	CHECK(sched_find(&s, "example.co", 10, 0) == 0);
	e->nlists = 2;
	CHECK(sched_due(e, now, 0));
	sched_started(&s, e, 4711, now);
	CHECK(s.running == 1 && sched_by_pid(&s, 4711) == e);
	CHECK(!sched_due(e, now, 1));              /* running: never twice */
	/* Deferred three times: 300, 600, 1200 s. */
	CHECK(sched_ended(&s, e, 0, now) == 300);
	CHECK(s.running == 0 && e->pid == 0 && e->next_ms == now + 300000);
	CHECK(!sched_due(e, now + 299999, 0));
	CHECK(sched_due(e, now + 300000, 0));
	CHECK(sched_due(e, now, 1));                /* sendmail -q */
	sched_started(&s, e, 4712, now);
	CHECK(sched_ended(&s, e, 0, now) == 600);
	sched_started(&s, e, 4713, now);
	CHECK(sched_ended(&s, e, 0, now) == 1200);
	CHECK(e->failures == 3);
	/* Lists left out of a run that deferred wait with the rest (the
	 * back-off holds for the whole domain), and the next run starts
	 * after the lists this one tried. */
	e->more = 1;
	e->nlists = 300;
	e->taken = 256;
	e->skip = 0;
	sched_started(&s, e, 4720, now);
	CHECK(sched_ended(&s, e, 0, now) == 2400);
	CHECK(!sched_due(e, now + 1, 0) && e->skip == 256);
	sched_started(&s, e, 4721, now);
	CHECK(sched_ended(&s, e, 0, now) == 4800 && e->skip == 212);
	e->more = 0;
	e->taken = 2;
	e->nlists = 2;
	/* Settled: due at once, the back-off starts over. */
	sched_started(&s, e, 4714, now);
	CHECK(sched_ended(&s, e, 1, now + 5) == 0);
	CHECK(e->failures == 0 && e->next_ms == now + 5);
	/* No lists: nothing to start. */
	e->nlists = 0;
	CHECK(!sched_due(e, now + 5, 1));
	CHECK(sched_by_pid(&s, 4714) == 0);
}

static void schedule_restore(void)
{
	struct sched_dom *e;
	long long now = 50000000;

	sched_init(&s, 300, 14400);
	e = sched_find(&s, "a.example", 9, 1);
	sched_restore(&s, e, 0, 0, now);
	CHECK(e->next_ms == now && e->failures == 0);
	/* Two attempts, the last ended 100 s ago: 600 s after it. */
	sched_restore(&s, e, 2, now - 100000, now);
	CHECK(e->failures == 2 && e->next_ms == now - 100000 + 600000);
	/* A huge count is 30 runs: the maximum. */
	sched_restore(&s, e, 1000000, now, now);
	CHECK(e->failures == 30 && e->next_ms == now + 14400000);
	/* A list from the future (the clock went back): its back-off counts
	 * from now, not from then. */
	sched_restore(&s, e, 1, now + 86400000LL * 365 * 56, now);
	CHECK(e->failures == 1 && e->next_ms == now + 300000);
}

static void schedule_table_full(void)
{
	char name[32];
	size_t i;
	struct sched_dom *e;

	sched_init(&s, 300, 14400);
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		int n = snprintf(name, sizeof name, "d%zu.example", i);
		CHECK(sched_find(&s, name, (size_t)n, 1) != 0);
	}
	CHECK(sched_find(&s, "one-more.example", 16, 1) == 0);
	CHECK(sched_full(&s));
	/* An entry freed is taken again; every other is still found
	 * through its hash chain. */
	e = sched_find(&s, "d7.example", 10, 0);
	CHECK(e != 0);
	sched_free(&s, e);
	CHECK(!sched_full(&s));
	CHECK(sched_find(&s, "d7.example", 10, 0) == 0);
	CHECK(sched_find(&s, "one-more.example", 16, 1) == e);
	CHECK(sched_full(&s));
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		int n = snprintf(name, sizeof name, "d%zu.example", i);
		struct sched_dom *f = sched_find(&s, name, (size_t)n, 0);
		CHECK(i == 7 ? f == 0 : f != 0 && !strcmp(f->name, name));
	}
	/* Freed in any order, found again. */
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i += 3) {
		int n = snprintf(name, sizeof name, "d%zu.example", i);
		if ((e = sched_find(&s, name, (size_t)n, 0)) != 0)
			sched_free(&s, e);
	}
	CHECK(s.used == SMTPRCD_DOMAINS_MAX - (SMTPRCD_DOMAINS_MAX + 2) / 3);
	for (i = 0; i < SMTPRCD_DOMAINS_MAX; i++) {
		int n = snprintf(name, sizeof name, "d%zu.example", i);
		CHECK((sched_find(&s, name, (size_t)n, 0) != 0) ==
		      (i % 3 != 0 && i != 7));
	}
	/* Names that cannot be kept are refused. */
	CHECK(sched_find(&s, "", 0, 1) == 0);
}

UNIT_SUITE(schedule_tests) = {
	{ "schedule: back-off doubles from retry-first to retry-max",
	  schedule_backoff },
	{ "schedule: runs, deferrals, settling, flush, lists left out",
	  schedule_runs },
	{ "schedule: restored from a list's attempts and time", schedule_restore },
	{ "schedule: SMTPRCD_DOMAINS_MAX entries, then none until one is freed",
	  schedule_table_full },
	UNIT_END
};
