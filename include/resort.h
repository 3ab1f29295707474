/* resort.h: at its start the posting office sorts again what it queued
 * under a next hop (sorting.h) that today's routes no longer send all of
 * its recipients to: a route changed, or a domain gained a TLS policy of
 * its own. Such a list goes back to the maildrop (requeue.h) and is
 * sorted like new mail; a list whose hop's relay client runs (its lock
 * is held) waits for the next start. Lists of plain domains are never
 * touched: smtprc looks their route up at every attempt.
 */
#ifndef RESORT_H
#define RESORT_H

#include <stddef.h>
#include "queue.h"
#include "rcptlist.h"
#include "sorting.h"

/* Scans remote/ of q (the working directory is the queue) and hands back
 * every stale next-hop list, parsing each into l through buf[0..size)
 * (at least RCPTLIST_SIZE) and copying messages through copy[0..csize).
 * Returns how many lists went back; failures are logged and leave the
 * list. */
unsigned resort_hops(struct queue *q, const struct sorting_routes *rt,
		     struct rcptlist *l, char *buf, size_t size, char *copy,
		     size_t csize);

#endif
