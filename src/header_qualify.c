/* header_qualify.c: header_qualify (header.h), what nullmailer-inject and
 * Postfix's append_at_myorigin do to "From: root": an address without a
 * domain gets "@origin", every other byte of the field stays. */
#include <string.h>
#include "header.h"

struct q {
	char *out;
	size_t n, size;
	int over, changed;
	const char *origin;
	size_t olen;
};

static void put(struct q *q, char c)
{
	if (q->n == q->size)
		q->over = 1;
	else
		q->out[q->n++] = c;
}

/* Inserts "@origin" at output position at. */
static void insert_at(struct q *q, size_t at)
{
	size_t k = q->olen + 1;
	if (q->n + k > q->size) {
		q->over = 1;
		return;
	}
	memmove(q->out + at + k, q->out + at, q->n - at);
	q->out[at] = '@';
	memcpy(q->out + at + 1, q->origin, q->olen);
	q->n += k;
	q->changed = 1;
}

/* Copies a quoted string or a comment opened at s[*i], up to its close
 * (quoted pairs kept). Returns 0, or -1 when it is left open. */
static int copy_span(struct q *q, const char *s, size_t len, size_t *i)
{
	char open = s[*i];
	int depth = 1;

	put(q, s[(*i)++]);
	while (*i < len && depth) {
		char c = s[*i];
		if (c == '\\' && *i + 1 < len) {
			put(q, c);
			c = s[++*i];
		} else if (open == '"' && c == '"')
			depth = 0;
		else if (open == '(' && c == '(')
			depth++;
		else if (open == '(' && c == ')')
			depth--;
		put(q, c);
		(*i)++;
	}
	return depth ? -1 : 0;
}

/* One entry's state: an address outside angle brackets is qualified at
 * its end, when it is one word (a phrase is no address) without '@'. */
struct entry {
	int at, words, angle, gap;
	size_t last;   /* output position after its last word's byte */
};

static void entry_end(struct q *q, struct entry *e)
{
	if (!e->angle && e->words == 1 && !e->at)
		insert_at(q, e->last);
	memset(e, 0, sizeof *e);
}

size_t header_qualify(const char *s, size_t len, const char *origin,
		      char *out, size_t size, int *changed)
{
	struct q q = { out, 0, size, 0, 0, origin, strlen(origin) };
	struct entry e;
	size_t i = 0, angle_at = 0;
	int in_angle = 0, angle_has_at = 0;

	memset(&e, 0, sizeof e);
	while (i < len && !q.over) {
		char c = s[i];
		if (c == '"' || c == '(') {
			int comment = c == '(';
			if (!comment && !in_angle && (e.words == 0 || e.gap))
				e.words++;
			if (copy_span(&q, s, len, &i) < 0)
				return 0;
			if (!comment && !in_angle) {
				e.last = q.n;
				e.gap = 0;
			}
			continue;
		}
		if (in_angle) {
			if (c == '>') {
				if (!angle_has_at && q.n > angle_at)
					insert_at(&q, q.n);
				in_angle = 0;
			}
			angle_has_at |= c == '@';
			put(&q, c);
			i++;
			continue;
		}
		if (c == '<') {
			in_angle = 1;
			angle_has_at = 0;
			e.angle = 1;
			put(&q, c);
			angle_at = q.n;
			i++;
			continue;
		}
		if (c == ',' || c == ';' || c == ':') {
			if (c == ':')
				memset(&e, 0, sizeof e);   /* a group's name */
			else
				entry_end(&q, &e);
			put(&q, c);
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			e.gap = 1;
		} else {
			if (e.words == 0 || e.gap)
				e.words++;
			e.gap = 0;
			e.at |= c == '@';
			put(&q, c);
			e.last = q.n;
			i++;
			continue;
		}
		put(&q, c);
		i++;
	}
	if (in_angle || q.over)
		return 0;
	entry_end(&q, &e);
	if (q.over)
		return 0;
	*changed = q.changed;
	return q.n;
}
