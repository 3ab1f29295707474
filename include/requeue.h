/* requeue.h: a recipient list handed back to the posting office.
 *
 * The list's envelope (its sender, every recipient still in it with its
 * DSN fields, the message's ENVID and RET) and its message become a new
 * maildrop entry, which smtppd sorts as if it had just been submitted;
 * the caller then finishes the list (queue_finish). The entry is durable
 * (fsynced file and directory) before this returns, so a crash between
 * the two leaves the mail twice, never nowhere. What the list knew of
 * its attempts (diagnostics, attempt count, arrival time) is not kept:
 * the new entry's lifetime starts now.
 */
#ifndef REQUEUE_H
#define REQUEUE_H

#include <stddef.h>
#include "queue.h"
#include "rcptlist.h"

/* Writes the maildrop entry for list l, whose message is open as msgfd,
 * through buf[0..size) (the copy buffer). Returns 0 or E_SYS (errno set;
 * nothing left behind). */
int requeue_list(struct queue *q, const struct rcptlist *l, int msgfd,
		 char *buf, size_t size);

#endif
