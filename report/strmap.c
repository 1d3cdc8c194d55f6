#include "report/strmap.h"
#include "report/xalloc.h"

#include <stdlib.h>
#include <string.h>

uint64_t strmap_hash(const char *key, size_t len)
{
	/* FNV-1a, 64 bit: keys are short names. */
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct strmap_slot *find(const struct strmap *m, uint64_t h, const char *key,
				size_t len)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && s->len == len && !memcmp(s->key, key, len)))
			return s;
	}
}

void *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return NULL;
	struct strmap_slot *s = find(m, strmap_hash(key, len), key, len);
	return s->key ? s->value : NULL;
}

static void rehash(struct strmap *m, size_t ncap)
{
	struct strmap old = *m;
	m->slots = xcalloc(ncap, sizeof(*m->slots));
	m->cap = ncap;
	for (size_t i = 0; i < old.cap; i++) {
		struct strmap_slot *o = &old.slots[i];
		if (o->key)
			*find(m, o->hash, o->key, o->len) = *o;
	}
	free(old.slots);
}

void strmap_put(struct strmap *m, const char *key, size_t len, void *value)
{
	if ((m->count + 1) * 4 > m->cap * 3)
		rehash(m, m->cap ? m->cap * 2 : 16);
	uint64_t h = strmap_hash(key, len);
	struct strmap_slot *s = find(m, h, key, len);
	if (!s->key) {
		s->key = xstrndup(key, len);
		s->len = len;
		s->hash = h;
		m->count++;
	}
	s->value = value;
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}
