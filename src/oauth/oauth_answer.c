/* oauth_answer.c: a token endpoint's requests and answers (RFC 6749
 * §5.1, §5.2, §6; RFC 8628 §3.4, §3.5), pure. See oauth.h. */
#include <string.h>
#include "fmt.h"
#include "json.h"
#include "oauth.h"

static int form_common(const struct oauth *o, char *form, size_t size,
		       size_t *len)
{
	if (http_form_add(form, size, len, "client_id", o->client_id) < 0 ||
	    (o->client_secret && http_form_add(form, size, len, "client_secret",
					       o->client_secret) < 0))
		return -1;
	return 0;
}

int oauth_form_refresh(const struct oauth *o, char *form, size_t size,
		       size_t *len)
{
	*len = 0;
	if (http_form_add(form, size, len, "grant_type", "refresh_token") < 0 ||
	    http_form_add(form, size, len, "refresh_token", o->refresh) < 0 ||
	    form_common(o, form, size, len) < 0 ||
	    (o->scope && http_form_add(form, size, len, "scope", o->scope) < 0))
		return -1;
	return 0;
}

int oauth_form_device(const struct oauth *o, char *form, size_t size,
		      size_t *len)
{
	*len = 0;
	if (http_form_add(form, size, len, "client_id", o->client_id) < 0 ||
	    (o->scope && http_form_add(form, size, len, "scope", o->scope) < 0))
		return -1;
	return 0;
}

int oauth_form_device_poll(const struct oauth *o, const char *device_code,
			   char *form, size_t size, size_t *len)
{
	*len = 0;
	if (http_form_add(form, size, len, "grant_type",
			  "urn:ietf:params:oauth:grant-type:device_code") < 0 ||
	    http_form_add(form, size, len, "device_code", device_code) < 0 ||
	    form_common(o, form, size, len) < 0)
		return -1;
	return 0;
}

/* A token goes into the token file and an AUTH line: visible ASCII
 * only (RFC 6750's b64token is a subset), never a blank or line break. */
static int token_ok(const char *t)
{
	for (; *t; t++)
		if (*t < 0x21 || *t > 0x7e)
			return 0;
	return 1;
}

/* The endpoint refused: "error: description" (RFC 6749 §5.2). */
static int refused(const struct http_response *r, struct oauth_answer *a,
		   char *why, size_t whysize)
{
	char desc[SMTP_DIAG_SIZE];
	const char *bad;

	if (json_get(r->body, r->body_len, "error_description", desc,
		     sizeof desc, &bad) != JSON_STRING)
		desc[0] = 0;
	fmt_into(why, whysize, "the token endpoint refused (HTTP %d): %s%s%s",
		 r->status, a->error, desc[0] ? ": " : "", desc);
	return 1;
}

int oauth_answer_parse(const struct http_response *r,
		       struct oauth_answer *a, char *why, size_t whysize)
{
	char type[16];
	const char *bad = 0;
	int t;

	memset(a, 0, sizeof *a);
	a->expires_in = -1;
	t = json_get(r->body, r->body_len, "error", a->error, sizeof a->error,
		     &bad);
	if (t < 0 && r->status != 200) {
		fmt_into(why, whysize, "the token endpoint answered HTTP %d %s, "
			 "not an OAuth 2.0 answer", r->status, r->reason);
		return -1;
	}
	if (t == JSON_STRING && a->error[0])
		return refused(r, a, why, whysize);
	if (t < 0 || r->status != 200) {
		fmt_into(why, whysize, "the token endpoint answered HTTP %d: %s",
			 r->status, t < 0 ? bad : "no error code");
		return -1;
	}
	t = json_get(r->body, r->body_len, "access_token", a->access,
		     sizeof a->access, &bad);
	if (t != JSON_STRING || !a->access[0] || !token_ok(a->access)) {
		fmt_into(why, whysize, "the token endpoint's answer has no "
			 "usable access_token (%s)", t < 0 ? bad
			 : "absent, empty, or with a blank or control byte");
		a->access[0] = 0;
		return -1;
	}
	t = json_get(r->body, r->body_len, "token_type", type, sizeof type, &bad);
	if (t != JSON_STRING || (strcmp(type, "Bearer") && strcmp(type, "bearer"))) {
		fmt_into(why, whysize, "the token endpoint's token_type is not "
			 "Bearer");
		a->access[0] = 0;
		return -1;
	}
	t = json_get(r->body, r->body_len, "refresh_token", a->refresh,
		     sizeof a->refresh, &bad);
	if ((t != JSON_ABSENT && t != JSON_STRING) ||
	    (t == JSON_STRING && !token_ok(a->refresh))) {
		fmt_into(why, whysize, "the token endpoint's refresh_token is "
			 "unusable (%s)", t < 0 ? bad : "a blank or control byte");
		a->access[0] = a->refresh[0] = 0;
		return -1;
	}
	if (json_get(r->body, r->body_len, "expires_in", 0, 0, &bad) &&
	    json_get_uint(r->body, r->body_len, "expires_in", &a->expires_in,
			  &bad) < 0)
		a->expires_in = -1;   /* unusable: taken as unknown */
	return 0;
}

/* A string member that must be there, visible ASCII (blanks allowed
 * with blank), or -1 with why. */
static int visible(const struct http_response *r, const char *key, char *out,
		   size_t size, int blank, char *why, size_t whysize)
{
	const char *bad = 0, *p;
	int t = json_get(r->body, r->body_len, key, out, size, &bad);

	if (t == JSON_STRING && out[0]) {
		for (p = out; *p && *p >= (blank ? 0x20 : 0x21) && *p <= 0x7e; p++)
			;
		if (!*p)
			return 0;
	}
	fmt_into(why, whysize, "the device authorization answer's %s is %s",
		 key, t < 0 ? bad : t == JSON_ABSENT ? "absent"
		 : "not a printable string");
	out[0] = 0;
	return -1;
}

int oauth_device_parse(const struct http_response *r,
		       struct oauth_device *d, char *why, size_t whysize)
{
	char error[64], desc[SMTP_DIAG_SIZE];
	const char *bad;

	memset(d, 0, sizeof *d);
	if (r->status != 200) {
		if (json_get(r->body, r->body_len, "error", error, sizeof error,
			     &bad) != JSON_STRING) {
			fmt_into(why, whysize, "the device authorization endpoint "
				 "answered HTTP %d %s", r->status, r->reason);
			return -1;
		}
		if (json_get(r->body, r->body_len, "error_description", desc,
			     sizeof desc, &bad) != JSON_STRING)
			desc[0] = 0;
		fmt_into(why, whysize, "the device authorization endpoint "
			 "refused (HTTP %d): %s%s%s", r->status, error,
			 desc[0] ? ": " : "", desc);
		return 1;
	}
	if (visible(r, "device_code", d->device_code, sizeof d->device_code, 0,
		    why, whysize) < 0 ||
	    visible(r, "user_code", d->user_code, sizeof d->user_code, 0, why,
		    whysize) < 0 ||
	    (visible(r, "verification_uri", d->uri, sizeof d->uri, 0, why,
		     whysize) < 0 &&
	     visible(r, "verification_url", d->uri, sizeof d->uri, 0, why,
		     whysize) < 0))
		return -1;
	if (strncmp(d->uri, "https://", 8)) {
		fmt_into(why, whysize, "the verification URI is not https://");
		return -1;
	}
	if (json_get(r->body, r->body_len, "verification_uri_complete", 0, 0,
		     &bad) > 0 &&
	    (visible(r, "verification_uri_complete", d->uri_complete,
		     sizeof d->uri_complete, 0, why, whysize) < 0 ||
	     strncmp(d->uri_complete, "https://", 8)))
		d->uri_complete[0] = 0;
	if (json_get_uint(r->body, r->body_len, "expires_in", &d->expires_in,
			  &bad) < 0 || d->expires_in > 86400)
		d->expires_in = 900;
	if (json_get_uint(r->body, r->body_len, "interval", &d->interval,
			  &bad) < 0 || !d->interval || d->interval > 300)
		d->interval = 5;
	return 0;
}
