/* oauth.h: OAuth 2.0 for a smarthost route (SASL XOAUTH2 or OAUTHBEARER):
 * the token file, the token endpoint's answers, and the refresh.
 *
 * The token file (--oauth-file, mode 0600, owned by the user smtprc runs
 * as; its directory writable by that user) holds "key value" lines:
 *
 *   target smtp.office365.com:587          the route it serves
 *   user alerts@example.com                the mailbox (AUTH's user)
 *   mechanism xoauth2                      or oauthbearer
 *   token-endpoint https://login.microsoftonline.com/T/oauth2/v2.0/token
 *   device-endpoint https://login.microsoftonline.com/T/oauth2/v2.0/devicecode
 *   client-id 9e5f94bc-e8a4-4e73-b8be-63364c29d753
 *   client-secret ...                      optional
 *   scope https://outlook.office.com/SMTP.Send offline_access
 *   refresh-token ...                      written by smtprc
 *   access-token ...                       written by smtprc
 *   access-expires 1767229200              written by smtprc (Unix time)
 *
 * smtprc rewrites the file whole when it gets tokens (a refresh, the
 * device grant): a temporary file beside it, fsync, rename over it, fsync
 * of the directory, so that a power cut leaves the old file or the new
 * one, never neither: the only valid refresh token is never lost.
 */
#ifndef OAUTH_H
#define OAUTH_H

#include <stddef.h>
#include "config.h"
#include "http.h"

struct oauth {
	/* NUL-terminated, inside buf (or 0 when the key is absent). */
	const char *target, *user, *token_url, *device_url, *client_id,
		   *client_secret, *scope, *refresh, *access;
	unsigned mech;            /* SMTP_AUTH_XOAUTH2 or _OAUTHBEARER */
	long long expires;        /* the access token's end, Unix time; 0 */
	struct http_url token_at, device_at;
	char buf[OAUTH_FILE_SIZE + 1];
};

/* Parses the token file's text buf[0..len) (len <= OAUTH_FILE_SIZE) into
 * o (which keeps it). Returns 0, or -1 with *why (line n in *line): an
 * unknown key, a key twice, a value too long, a bad URL or mechanism, a
 * missing target, user, token-endpoint or client-id. A missing
 * refresh-token is not an error here (oauth_ready says what to do). */
int oauth_parse(struct oauth *o, const char *buf, size_t len,
		const char **why, unsigned *line);

/* Reads and parses the token file at path, refusing one that others can
 * read or that belongs to another user. Returns 0 or -1 with why. */
int oauth_load(struct oauth *o, const char *path, char *why, size_t whysize);

/* The token endpoint's POST for a refresh (RFC 6749 §6), or for the
 * device grant's poll (RFC 8628 §3.4: device_code), into form. Returns 0
 * or -1 when it does not fit. */
int oauth_form_refresh(const struct oauth *o, char *form, size_t size,
		       size_t *len);
int oauth_form_device_poll(const struct oauth *o, const char *device_code,
			   char *form, size_t size, size_t *len);

/* What a token endpoint answered. */
struct oauth_answer {
	char access[SMTP_OAUTH_TOKEN_MAX + 1];
	char refresh[OAUTH_REFRESH_MAX + 1];   /* "" when not rotated */
	long long expires_in;                  /* seconds, or -1 */
	char error[64];    /* RFC 6749 §5.2 error code, "" when it succeeded */
};

/* Reads the answer (status and JSON body) of a token request. Returns 0
 * with a->access set, 1 with a->error set (the endpoint refused: its
 * error and error_description in why), or -1 with why: not JSON, no
 * access token, a token too long, a type other than Bearer. */
int oauth_answer_parse(const struct http_response *r,
		       struct oauth_answer *a, char *why, size_t whysize);

/* The device authorization answer (RFC 8628 §3.2). */
struct oauth_device {
	char device_code[OAUTH_REFRESH_MAX + 1];
	char user_code[64];
	char uri[HTTP_PATH_SIZE];          /* verification_uri (Google:
					      verification_url) */
	char uri_complete[HTTP_PATH_SIZE]; /* verification_uri_complete, or "" */
	long long expires_in;              /* seconds (default 900) */
	long long interval;                /* seconds between polls (5) */
};

/* Reads the device authorization endpoint's answer. Returns 0, 1 when it
 * refused (why: its error), or -1 with why. What the administrator is
 * shown (the codes and URLs) is printable ASCII, an https URL. */
int oauth_device_parse(const struct http_response *r,
		       struct oauth_device *d, char *why, size_t whysize);

/* The device authorization request (RFC 8628 §3.1). */
int oauth_form_device(const struct oauth *o, char *form, size_t size,
		      size_t *len);

/* Writes path anew with o's settings and the tokens of a (an empty
 * a->refresh keeps o's), access-expires at now + expires_in (0 when
 * now is 0: the clock is not set). Returns 0 or -1 with why; on -1 the
 * old file is untouched. */
int oauth_store(const struct oauth *o, const char *path,
		const struct oauth_answer *a, long long now, char *why,
		size_t whysize);

#endif
