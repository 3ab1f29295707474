/* test_queue.c: queue.h, a new maildrop entry never replaces another
 * (the real file system: a fresh directory under /tmp, removed after). */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "queue.h"
#include "unit.h"

/* Removes the queue's folders and top; every file named is removed
 * first. */
static void remove_queue(const char *top, const char *const *files)
{
	static const char *const dirs[] = { "maildrop", "mess", "remote",
		"done", "tmp", "local", "lock", "sts", 0 };
	char p[256];
	int i;

	for (i = 0; files[i]; i++) {
		snprintf(p, sizeof p, "%s/%s", top, files[i]);
		unlink(p);
	}
	for (i = 0; dirs[i]; i++) {
		snprintf(p, sizeof p, "%s/%s", top, dirs[i]);
		rmdir(p);
	}
	CHECK(rmdir(top) == 0);
}

static long read_all(const char *top, const char *name, char *buf, size_t n)
{
	char p[256];
	long got;
	int fd;

	snprintf(p, sizeof p, "%s/maildrop/%s", top, name);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return -1;
	got = read(fd, buf, n);
	close(fd);
	return got;
}

static void entry_never_replaced(void)
{
	char top[] = "/tmp/smtprc-unit-XXXXXX", id[QUEUE_ID_SIZE];
	char again[QUEUE_ID_SIZE], buf[16], p[256], entry[QUEUE_ID_SIZE + 9];
	const char *files[] = { "maildrop/0-1-0", entry, 0 };
	struct queue q;
	struct queue_tmp t;
	int fd;

	CHECK(mkdtemp(top) != 0);
	CHECK(queue_open(&q, top) == 0);
	/* An entry from an earlier boot: 0-1-0. */
	snprintf(p, sizeof p, "%s/maildrop/0-1-0", top);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0 && write(fd, "old", 3) == 3);
	close(fd);
	CHECK(queue_tmp_open(&q, &t) == 0);
	CHECK(write(t.fd, "new", 3) == 3);
	memcpy(id, "0-1-0", 6);
	CHECK(queue_tmp_commit_entry(&q, &t, id) == 0);
	CHECK(strcmp(id, "0-1-0") != 0 && strchr(id, '.') == 0);
	CHECK(read_all(top, "0-1-0", buf, sizeof buf) == 3 &&
	      !memcmp(buf, "old", 3));
	CHECK(read_all(top, id, buf, sizeof buf) == 3 &&
	      !memcmp(buf, "new", 3));
	snprintf(p, sizeof p, "%s/tmp/%s", top, t.name);
	CHECK(access(p, F_OK) < 0);         /* its tmp/ name is gone */
	/* Two identifiers of one process differ; so do their R fields. */
	queue_new_id(&q, again);
	CHECK(strcmp(again, id) != 0);
	queue_close(&q);
	snprintf(entry, sizeof entry, "maildrop/%s", id);
	remove_queue(top, files);
}

UNIT_SUITE(queue_tests) = {
	{ "queue: a new maildrop entry never replaces one of the same name",
	  entry_never_replaced },
	UNIT_END
};
