/* err.h: error codes shared by every module, and the one reporting helper.
 *
 * Library functions return 0 (or a count) on success and a negative E_*
 * code on failure. Programs report through err_fatal()/err_warn(), which
 * print "PROG: fatal: WHAT: REASON" on standard error.
 */
#ifndef ERR_H
#define ERR_H

#include <stddef.h>

enum {
	E_OK = 0,
	E_SYS = -1,          /* see errno */
	E_NOMEM = -2,        /* a fixed capacity was exceeded */
	E_REPLY_CODE = -4,   /* reply code not three digits 2xx-5xx */
	E_REPLY_MIXED = -5,  /* multi-line reply with differing codes */
	E_REPLY_LINES = -6,  /* more than SMTP_REPLY_LINES_MAX lines */
	E_REPLY_SYNTAX = -7, /* no space or hyphen after the code */
	E_TIMEOUT = -8,      /* a stage's deadline passed */
	E_LOST = -9,         /* the peer closed the connection */
	E_GREETING = -10,    /* greeting was not 220 */
	E_HELLO = -11,       /* EHLO and HELO both refused */
	E_PROTOCOL = -12,    /* a reply not allowed at this point */
	E_LIST = -13,        /* malformed recipient list */
	E_CONNECT = -14,     /* no address could be connected */
	E_UNEXPECTED = -15,  /* bytes from the server when none were due */
	E_NODNS = -16,       /* a name needs DNS, and DNS failed */
	E_TLS = -17,         /* the TLS handshake or a TLS record failed */
	E_NOTLS = -18,       /* TLS required, STARTTLS not offered or refused */
	E_AUTH = -19,        /* SMTP AUTH refused or impossible */
	E_BUSY = -20,        /* a lock another process holds */
};

/* The text for errno value e (musl's wording; "error N" for a value a
 * queue, a socket or a process does not meet). */
const char *err_errno(int e);
/* Returns a static English description of an E_* code. */
const char *err_str(int e);

/* The program name used in messages; set once by main. */
extern const char *err_prog;

/* Print "PROG: fatal: MSG[: strerror(errno)]" and exit with status.
 * with_errno: append strerror(errno). */
/* Called by err_fatal with its status and sentence just before exit (the
 * SMTP dialogue of sendmail -bs answers the client with it); NULL: none. */
extern void (*err_fatal_hook)(int status, const char *msg);
void err_fatal(int status, int with_errno, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
/* Same without exiting, with "warning" instead of "fatal". */
void err_warn(int with_errno, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Copies src into dst (size bytes, at least 1), each control byte (below
 * 32, and 127) replaced by '?', cut to fit: what a caller, a header or a
 * server sent is never put raw on a terminal or into syslog. Returns dst. */
char *err_printable(char *dst, size_t size, const char *src);

/* Writes one line "PROG: TEXT" to standard error or, when the environment
 * has SMTPRC_SYSLOG=1 (the daemons' --syslog sets it for their relay
 * clients too), to syslog at /dev/log, facility mail, with severity 3
 * (error), 4 (warning) or 6 (information); standard error when syslog
 * cannot be reached. Control bytes of TEXT are written as '?'. */
void err_line(int severity, const char *text);

/* sysexits(3) statuses used by the programs. */
#define EX_OK_ 0
#define EX_USAGE_ 64
#define EX_DATAERR_ 65
#define EX_UNAVAILABLE_ 69
#define EX_OSERR_ 71
#define EX_CANTCREAT_ 73
#define EX_IOERR_ 74
#define EX_TEMPFAIL_ 75

#endif
