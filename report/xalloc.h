#ifndef VMPM_XALLOC_H
#define VMPM_XALLOC_H
/*
 * Allocation that dies on real out-of-memory, in one place. Anything sized by
 * the input is capped before it gets here and fails with a limit error
 * instead (see the limits in report/store.h).
 */
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (of *cap elements of elem bytes) to hold at least want elements. */
void xgrow(void **p, size_t *cap, size_t want, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#define XGROW(p, cap, want) xgrow((void **)&(p), &(cap), (want), sizeof(*(p)))

#endif
