#ifndef VMPM_STRBUF_H
#define VMPM_STRBUF_H
/*
 * struct strbuf: a growable, always NUL-terminated byte string.
 *
 * Invariants: buf is never NULL (an empty strbuf points at a shared "");
 * buf[len] == '\0'; len < alloc whenever alloc > 0.
 *
 *   struct strbuf sb = STRBUF_INIT;
 *   strbuf_addf(&sb, "%d samples", n);
 *   strbuf_add_json_str(&sb, name);
 *   puts(sb.buf);
 *   strbuf_release(&sb);
 */
#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_empty[];
#define STRBUF_INIT { 0, 0, strbuf_empty }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
/* Hands the buffer to the caller (free() it) and resets sb. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
void strbuf_add_json_str(struct strbuf *sb, const char *s);
/* Appends a double as JSON: shortest round-trip form, null for NaN/inf. */
void strbuf_add_json_num(struct strbuf *sb, double v);

#endif
