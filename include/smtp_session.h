/* smtp_session.h: the client side of one SMTP session, as a state machine
 * that does no I/O (RFC 5321, RFC 2920 pipelining, RFC 1870 SIZE,
 * RFC 6152 8BITMIME).
 *
 * The caller owns every byte: the session, the transactions it is given and
 * the output buffer. The session never touches a socket, a file or the
 * clock. The caller asks smtp_session_want() what to do next:
 *
 *   SMTP_WANT_WRITE  call smtp_session_emit() to get command bytes to send
 *   SMTP_WANT_REPLY  send what was emitted, read one reply line (deadline:
 *                    smtp_session_stage()), give it to smtp_session_line()
 *   SMTP_WANT_TXN    idle: smtp_session_txn() to start a message, or
 *                    smtp_session_quit()
 *   SMTP_WANT_BODY   354 came: stream the data (body.h), then
 *                    smtp_session_body_done()
 *   SMTP_TXN_DONE    every reply of the message is in its smtp_txn; map
 *                    them (outcome.h), then smtp_session_txn_done()
 *   SMTP_WANT_TLS    STARTTLS was accepted: make sure nothing else came in
 *                    plaintext, run the TLS handshake on the connection,
 *                    then smtp_session_tls_done() (or smtp_session_fail)
 *   SMTP_DONE        send what was emitted and close; error is 0 after a
 *                    clean QUIT, else an E_* code
 *
 * Transitions (C: the client sends; R: a reply arrives):
 *
 *   state      event                          next
 *   ---------  -----------------------------  ---------------------------
 *   GREETING   R 220                          HELLO: C EHLO  (READY: /HELO-)
 *   GREETING   R other                        DONE  E_GREETING, C QUIT
 *   EHLO       R 2xx                          READY (extensions recorded)
 *   EHLO       R 2xx, TLS wanted, STARTTLS    STARTTLS: C STARTTLS
 *   EHLO       R 2xx, TLS required, no        DONE  E_NOTLS, C QUIT
 *              STARTTLS offered
 *   STARTTLS   R 220                          TLS (caller's handshake)
 *   STARTTLS   R other                        READY (TLS wanted) or DONE
 *                                             E_NOTLS, C QUIT (required)
 *   TLS        tls_done                       EHLO: C EHLO (the old
 *                                             extensions are forgotten)
 *   EHLO       R 2xx, credentials set, in     AUTH: C AUTH PLAIN <b64>, or
 *              TLS, PLAIN or LOGIN offered    AUTH LOGIN, 334, user, 334,
 *                                             password (RFC 4954)
 *   EHLO       R 2xx, credentials set, not    DONE  E_AUTH, C QUIT (never
 *              in TLS or no usable mechanism  a password in plaintext)
 *   EHLO       R 2xx, a token set, in TLS,    AUTH: C AUTH XOAUTH2 <b64> or
 *              XOAUTH2 or OAUTHBEARER offered AUTH OAUTHBEARER <b64>
 *   AUTH       R 235                          READY
 *   AUTH       R 334 to a token               AUTH: C "" (XOAUTH2) or AQ==
 *                                             (OAUTHBEARER); its JSON
 *                                             error's status kept
 *   AUTH       R other                        DONE  E_AUTH, C QUIT
 *   EHLO       R 5xx                          HELO: C HELO
 *   EHLO|HELO  R other                        DONE  E_HELLO, C QUIT
 *   HELO       R 2xx                          READY
 *   READY      txn over the server's SIZE     TXN_DONE (nothing sent)
 *   READY      txn, after a failed one        RSET: C RSET, then as below
 *   READY      txn                            MAIL: C MAIL [RCPT.. DATA if
 *                                             PIPELINING]; lock-step sends
 *                                             each next command after its
 *                                             predecessor's reply
 *   MAIL..DATA R for each command in order    recorded per command
 *   DATA       R 354, some RCPT accepted      BODY
 *   DATA       R 354, none accepted           DOT: C "." (data discarded)
 *   DATA       R other / nothing to send      TXN_DONE
 *   BODY       body_done                      DOT
 *   DOT        R any                          TXN_DONE
 *   DOT        txn, PIPELINING (can_queue)    DOT: C MAIL RCPT.. DATA of
 *                                             the next message behind the
 *                                             dot (RFC 2920 §3.1: the
 *                                             data may open a group); the
 *                                             dot's reply is the earlier
 *                                             one's TXN_DONE, txn_done
 *                                             then awaits the next one's
 *   MAIL..DATA R 2xx/3xx to DATA, not 354      DONE  E_UNEXPECTED: a reply
 *                                             nobody asked for shifted
 *                                             them; every reply of the
 *                                             transaction forgotten, no
 *                                             QUIT
 *   TXN_DONE   txn_done                       READY
 *   READY      quit                           QUIT: C QUIT
 *   QUIT       R any                          DONE  (error 0)
 *   any        R 421                          DONE  (server closing)
 *   any        bad line / lost / time-out     DONE  error, C QUIT when sane
 */
#ifndef SMTP_SESSION_H
#define SMTP_SESSION_H

#include <stddef.h>
#include "config.h"
#include "dsn.h"
#include "smtp_ehlo.h"
#include "smtp_reply.h"

/* One reply kept for a command: code 0 means none arrived. */
struct smtp_result {
	int code;
	char text[SMTP_DIAG_SIZE];
};

struct smtp_txn_rcpt {
	const char *addr; /* without angle brackets, not NUL-terminated */
	size_t len;
	const struct dsn_rcpt *dsn;  /* NOTIFY, ORCPT for a server offering
					DSN (RFC 3461), or NULL */
	struct smtp_result res;
};

/* One message's transaction. The caller fills the first block and the
 * session fills the replies. Strings must stay valid until TXN_DONE. */
struct smtp_txn {
	const char *sender;  /* without angle brackets; len 0: null path */
	size_t sender_len;
	struct smtp_txn_rcpt *rcpt;
	size_t nrcpt;        /* 1..RCPT_PER_LIST_MAX */
	unsigned long size;  /* body_info size */
	int eightbit;        /* body has 8-bit bytes */
	int smtputf8;        /* MAIL carries SMTPUTF8 (RFC 6531) */
	const struct dsn_msg *dsn; /* RET, ENVID for a server offering DSN,
				      or NULL */

	struct smtp_result mail, data, dot;
	int size_refused;    /* over the server's SIZE: nothing was sent */
	int dot_sent;        /* the final dot went out (duplicate risk) */
	struct smtp_result fail; /* why replies are missing, code 0 */
};

enum smtp_want {
	SMTP_WANT_WRITE,
	SMTP_WANT_REPLY,
	SMTP_WANT_TXN,
	SMTP_WANT_BODY,
	SMTP_TXN_DONE,
	SMTP_DONE,
	SMTP_WANT_TLS,
};

/* How much the session wants TLS (smtp_session_set_tls). */
enum { SMTP_TLS_NO, SMTP_TLS_WANTED, SMTP_TLS_REQUIRED };

/* What a reply is awaited for: picks the RFC 5321 §4.5.3.2 time-out. */
enum smtp_stage {
	SMTP_STAGE_CONNECT,
	SMTP_STAGE_GREETING,
	SMTP_STAGE_HELLO,
	SMTP_STAGE_MAIL,
	SMTP_STAGE_RCPT,
	SMTP_STAGE_DATA,
	SMTP_STAGE_BLOCK,
	SMTP_STAGE_DOT,
	SMTP_STAGE_QUIT,
	SMTP_STAGE_COUNT
};

struct smtp_session {
	int state;
	int emit;            /* command to emit next, internal */
	int error;           /* first E_* code, 0 if none */
	int hello;           /* send EHLO/HELO (/HELO+) */
	int need_rset;       /* previous transaction left state behind */
	const char *helo_name;
	struct smtp_ehlo ehlo;
	struct smtp_reply reply;     /* reply being assembled */
	struct smtp_result last;     /* last complete reply (greeting, EHLO..) */
	struct smtp_txn *txn;
	struct smtp_txn *prev; /* its final dot's reply still awaited while
				  txn's commands went out behind it */
	int behind_dot;      /* txn was queued behind a final dot */
	size_t emit_next;    /* next of MAIL(0) RCPT(1..n) DATA(n+1) to emit */
	size_t reply_next;   /* next of those awaiting its reply */
	size_t rcpt_ok;      /* recipients accepted so far */
	int tls;             /* SMTP_TLS_*: asked for */
	int tls_on;          /* the handshake succeeded */
	const char *auth_user, *auth_pass; /* NUL-terminated, or NULL */
	const char *auth_token;  /* OAuth 2.0: the bearer token, or NULL */
	unsigned auth_mech;      /* SMTP_AUTH_XOAUTH2 or _OAUTHBEARER wanted */
	const char *auth_host;   /* OAUTHBEARER's host and port */
	unsigned auth_port;
	int auth_refused;        /* the server refused the token itself */
	char auth_status[48];    /* the "status" of its JSON error, or "" */
	int secret;          /* the last emit carried credentials: log it
				hidden */
	char why[SMTP_DIAG_SIZE]; /* why the session ended (DONE), or "" */
};

/* Starts a session that waits for the greeting. helo_name must stay valid;
 * hello 0 sends neither EHLO nor HELO. */
void smtp_session_init(struct smtp_session *s, const char *helo_name, int hello);

/* Before the greeting: SMTP_TLS_WANTED (STARTTLS when offered) or
 * SMTP_TLS_REQUIRED (no mail without it). Default SMTP_TLS_NO. */
void smtp_session_set_tls(struct smtp_session *s, int tls);

/* The caller's TLS handshake succeeded: EHLO again, over TLS. */
void smtp_session_tls_done(struct smtp_session *s);

/* The connection is TLS from its first byte (implicit TLS, RFC 8314):
 * no STARTTLS, and AUTH is allowed. Before the greeting. */
void smtp_session_tls_implicit(struct smtp_session *s);

/* Credentials for SMTP AUTH (PLAIN, else LOGIN), sent only inside TLS;
 * user and pass are the caller's, at most SMTP_AUTH_FIELD_MAX bytes each.
 * Before the greeting. */
void smtp_session_set_auth(struct smtp_session *s, const char *user,
			   const char *pass);

/* OAuth 2.0 instead: SASL XOAUTH2 or OAUTHBEARER (RFC 7628; mech, else
 * the other one when the server offers only that) with the bearer token
 * (at most SMTP_OAUTH_TOKEN_MAX bytes), inside TLS only; host and port
 * are the server's as OAUTHBEARER names them. A refusal (the server's
 * 334 with its JSON error, answered as each mechanism asks, then its 5xx)
 * ends the session with E_AUTH and auth_refused set: a new token may do.
 * Before the greeting. A CONFIG_TLS=0 build (never in TLS, so never
 * AUTH) leaves the OAuth mechanisms out. */
void smtp_session_set_oauth(struct smtp_session *s, const char *user,
			    const char *token, unsigned mech,
			    const char *host, unsigned port);

enum smtp_want smtp_session_want(const struct smtp_session *s);

/* The stage of the reply awaited (for SMTP_WANT_REPLY and SMTP_WANT_BODY,
 * which uses SMTP_STAGE_BLOCK for each write). */
enum smtp_stage smtp_session_stage(const struct smtp_session *s);

/* Writes whole commands into buf[0..room) and returns the bytes written;
 * 0 when the next command does not fit (send and call again) or nothing is
 * to be sent. A command is at most SMTP_COMMAND_MAX bytes. */
#define SMTP_COMMAND_MAX (SMTP_PATH_SIZE + 600)
size_t smtp_session_emit(struct smtp_session *s, char *buf, size_t room);

/* Gives one received line (without its line end). Returns 0, or the E_*
 * code of a malformed line, after which the session is DONE. */
int smtp_session_line(struct smtp_session *s, const char *line, size_t len);

/* Starts a transaction (in SMTP_WANT_TXN, or when can_queue). t is the
 * caller's; its result fields are cleared here. */
void smtp_session_txn(struct smtp_session *s, struct smtp_txn *t);

/* 1 when the final dot was sent, its reply not read yet, and the server
 * pipelines: the next transaction may start now, its commands going out
 * behind the dot. The next TXN_DONE is then the earlier transaction's
 * (s->prev): smtp_session_txn_done() moves on to the queued one. */
int smtp_session_can_queue(const struct smtp_session *s);
void smtp_session_body_done(struct smtp_session *s);
void smtp_session_txn_done(struct smtp_session *s);
void smtp_session_quit(struct smtp_session *s);

/* The connection failed (E_LOST, E_TIMEOUT, E_SYS...) or a reply could
 * not be parsed (E_REPLY_*, then a QUIT is still emitted): the session is
 * DONE, and an open transaction records why in its fail field. */
void smtp_session_fail(struct smtp_session *s, int error, const char *why);

/* The server's extensions after EHLO. */
static inline unsigned smtp_session_ext(const struct smtp_session *s)
{
	return s->ehlo.ext;
}

#endif
