/* arena.c: see arena.h. A first-fit free list over a static arena, with
 * neighbouring free blocks merged on free. Blocks are 16-byte aligned. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "config.h"

/* Every block starts with this header; size includes the header. */
struct block {
	size_t size;
	size_t free; /* 1 when free */
};

#define ALIGN 16
#define HDR ((sizeof(struct block) + ALIGN - 1) & ~(size_t)(ALIGN - 1))

static union {
	unsigned char b[ARENA_SIZE];
	max_align_t align;
} heap __attribute__((aligned(ALIGN)));
static int ready;
static struct arena_stats stats;

static struct block *at(size_t off)
{
	return (struct block *)(void *)(heap.b + off);
}

static void setup(void)
{
	at(0)->size = sizeof heap.b;
	at(0)->free = 1;
	ready = 1;
}

void *malloc(size_t n)
{
	size_t need, off;

	if (!ready)
		setup();
	if (n > sizeof heap.b)
		goto fail;
	need = (n + HDR + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	for (off = 0; off < sizeof heap.b; off += at(off)->size) {
		struct block *b = at(off);
		if (!b->free || b->size < need)
			continue;
		if (b->size - need >= HDR + ALIGN) {
			struct block *rest = at(off + need);
			rest->size = b->size - need;
			rest->free = 1;
			b->size = need;
		}
		b->free = 0;
		stats.in_use += b->size;
		if (stats.in_use > stats.peak)
			stats.peak = stats.in_use;
		stats.allocs++;
		return heap.b + off + HDR;
	}
fail:
	stats.failures++;
	errno = ENOMEM;
	return 0;
}

void free(void *p)
{
	size_t off, prev = (size_t)-1;

	if (!p)
		return;
	off = (size_t)((unsigned char *)p - heap.b) - HDR;
	at(off)->free = 1;
	stats.in_use -= at(off)->size;
	stats.frees++;
	/* Merge runs of free blocks, in one pass over the arena. */
	for (off = 0; off < sizeof heap.b; off += at(off)->size) {
		if (at(off)->free && prev != (size_t)-1 && at(prev)->free) {
			at(prev)->size += at(off)->size;
			off = prev;
			continue;
		}
		prev = off;
	}
}

void *calloc(size_t n, size_t m)
{
	void *p;
	if (m && n > (size_t)-1 / m) {
		stats.failures++;
		errno = ENOMEM;
		return 0;
	}
	p = malloc(n * m);
	if (p)
		memset(p, 0, n * m);
	return p;
}

void *realloc(void *p, size_t n)
{
	size_t have;
	void *q;

	if (!p)
		return malloc(n);
	have = at((size_t)((unsigned char *)p - heap.b) - HDR)->size - HDR;
	if (n <= have)
		return p;
	q = malloc(n);
	if (q) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}

void arena_stats(struct arena_stats *s)
{
	*s = stats;
}
