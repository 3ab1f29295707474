/* log.h: the transcript (/V) and one line per recipient outcome, on
 * standard error. With CONFIG_LOG=0 every call compiles to nothing and the
 * code is not linked; errors still go through err.h. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include "config.h"

#if CONFIG_LOG
/* Nonzero: log the conversation (set from /V by log_set_verbose). */
extern int log_verbose;
static inline void log_set_verbose(int on) { log_verbose = on; }
/* Logs each line of buf[0..len) prefixed by dir ('>' sent, '<' received)
 * when log_verbose is set. */
void log_wire(char dir, const char *buf, size_t len);
/* Logs one line "PROG: TEXT". */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#else
#define log_verbose 0
static inline void log_set_verbose(int on) { (void)on; }
static inline void log_wire(char dir, const char *buf, size_t len)
{
	(void)dir; (void)buf; (void)len;
}
static inline void __attribute__((format(printf, 1, 2)))
log_line(const char *fmt, ...)
{
	(void)fmt;
}
#endif

#endif
