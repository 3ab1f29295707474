/* arena.h: the program's only heap, for udns.
 *
 * udns allocates its query structures and its receive buffer with malloc.
 * This module defines malloc, calloc, realloc and free over one static
 * arena of ARENA_SIZE bytes, so that no libc allocator is linked and every
 * byte is counted. A request that does not fit returns NULL with ENOMEM;
 * udns turns that into a temporary failure, so the domain is deferred.
 * Not thread-safe (the program has one thread).
 */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

struct arena_stats {
	size_t in_use;     /* bytes handed out now, headers included */
	size_t peak;       /* most bytes ever in use */
	unsigned long allocs, frees, failures;
};

/* The counters since the program started. */
void arena_stats(struct arena_stats *s);

#endif
