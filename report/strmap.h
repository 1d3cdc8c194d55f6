#ifndef VMPM_STRMAP_H
#define VMPM_STRMAP_H
/*
 * struct strmap: byte-string keys -> pointers, open addressing, for the
 * store's indexes. Keys are copied; values are borrowed.
 *
 *   struct strmap m = STRMAP_INIT;
 *   strmap_put(&m, "vm1", 3, vm);
 *   struct vm *v = strmap_get(&m, "vm1", 3);
 *   strmap_release(&m);
 */
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	uint64_t hash;
	char *key;          /* NULL: empty slot */
	size_t len;
	void *value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap;         /* a power of two, or 0 */
	size_t count;
};

#define STRMAP_INIT { NULL, 0, 0 }

uint64_t strmap_hash(const char *key, size_t len);
void *strmap_get(const struct strmap *m, const char *key, size_t len);
/* Inserts or replaces. */
void strmap_put(struct strmap *m, const char *key, size_t len, void *value);
void strmap_release(struct strmap *m);

#endif
