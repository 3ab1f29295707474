/* log.h: the transcript (/V) and one line per recipient outcome, on
 * standard error. With CONFIG_LOG=0 every call compiles to nothing and the
 * code is not linked; errors still go through err.h. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include "config.h"

/* syslog severities of log_at: an administrator filtering on mail.warn
 * sees every deferral, on mail.err every bounce. */
enum { LOG_AT_ERR = 3, LOG_AT_WARNING = 4, LOG_AT_INFO = 6 };

#if CONFIG_LOG
/* Nonzero: log the conversation (set from /V by log_set_verbose). */
extern int log_verbose;
static inline void log_set_verbose(int on) { log_verbose = on; }
/* Logs each line of buf[0..len) prefixed by dir ('>' sent, '<' received)
 * when log_verbose is set. */
void log_wire(char dir, const char *buf, size_t len);
/* Logs one line "PROG: TEXT" (severity info). */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same at a severity LOG_AT_*. */
void log_at(int severity, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
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
static inline void __attribute__((format(printf, 2, 3)))
log_at(int severity, const char *fmt, ...)
{
	(void)severity;
	(void)fmt;
}
#endif

#endif
