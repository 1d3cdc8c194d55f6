#include "report/err.h"

#include <stdio.h>
#include <string.h>

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_at(struct err *e, enum err_code code, const char *file, long line,
	   const char *column, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	e->code = code;
	copy_str(e->file, sizeof(e->file), file);
	e->line = line;
	copy_str(e->column, sizeof(e->column), column);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

int err_exit_code(const struct err *e)
{
	switch (e->code) {
	case ERR_NONE: return 0;
	case ERR_USAGE: return 2;
	case ERR_IO: return 3;
	case ERR_FORMAT:
	case ERR_DATA: return 4;
	case ERR_LIMIT: return 5;
	case ERR_TEMPLATE: return 6;
	case ERR_OUTPUT: return 7;
	case ERR_INTERNAL: return 70;
	}
	return 70;
}
