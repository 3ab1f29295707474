/* trigger.h: semaphores between the daemons, as named FIFOs.
 *
 * Signalling opens the FIFO for writing without blocking, writes one byte
 * and closes it; a FIFO with no reader (ENXIO at the open, or EPIPE when
 * the reader dies between open and write, with SIGPIPE ignored meanwhile)
 * is not an error: the reader rescans the queue when it starts anyway. */
#ifndef TRIGGER_H
#define TRIGGER_H

#include <stddef.h>

/* Maps a semaphore name to a FIFO path. An OS/2 name such as
 * "\SEM32\IU\SMTP\PD" becomes SEMDIR/IU/SMTP/PD (backslashes to slashes,
 * the \SEM32 prefix dropped, case kept); any other name is a path used as
 * it is. Returns 0, or -1 when it does not fit in size bytes. */
int trigger_path(const char *name, const char *semdir, char *out, size_t size);

/* Signals the FIFO at path. Returns 0 (signalled, or no reader), or -1 with
 * errno set (no such FIFO, not a FIFO, ...). Never blocks. */
int trigger_signal(const char *path);

/* The same with a chosen byte: TRIGGER_FLUSH asks smtprcd to try every
 * domain now, ignoring its retry schedule (sendmail -q); any other byte
 * means "look again". */
#define TRIGGER_FLUSH 'q'
int trigger_signal_byte(const char *path, char byte);

#endif
