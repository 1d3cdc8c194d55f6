#ifndef VMPM_ERR_H
#define VMPM_ERR_H
/*
 * struct err: what went wrong, where in the data, and what kind of failure it
 * is (which decides the exit code).
 *
 * Every fallible function returns int (0 on success, -1 on failure) and takes
 * a `struct err *` as its last argument, which it fills on failure. The
 * message follows git's rules: lowercase, no trailing period, what failed
 * first, the subject in quotes, then where and what to do:
 *
 *   cannot parse 'vm7.csv' line 812 column 'value': expected a number, got 'n/a'
 *
 * Usage:
 *
 *   struct err e = ERR_INIT;
 *   if (csv_import_file(store, "vm7.csv", &opts, &e) < 0) {
 *           fprintf(stderr, "vmpostmortem: %s\n", e.msg);
 *           return err_exit_code(&e);
 *   }
 *
 * The location fields repeat what the message says, for tests and for JSON.
 */
#include <stdarg.h>

enum err_code {
	ERR_NONE = 0,
	ERR_USAGE,      /* bad command line */
	ERR_IO,         /* a file cannot be opened, read or written */
	ERR_FORMAT,     /* the input is not a format we read (no header, bad magic) */
	ERR_DATA,       /* the input is readable but its content is wrong */
	ERR_LIMIT,      /* the input exceeds a documented limit */
	ERR_TEMPLATE,   /* a report template is wrong */
	ERR_OUTPUT,     /* the output cannot be written */
	ERR_INTERNAL    /* a bug: a library refused what we gave it */
};

struct err {
	enum err_code code;
	char msg[768];
	char file[256];     /* the input named, or "" */
	long line;          /* 1-based line or row, 0 when none */
	char column[64];    /* column or field name, or "" */
};

#define ERR_INIT { ERR_NONE, "", "", 0, "" }

/* Sets code and message; returns -1 so that callers can `return err_set(...)`. */
int err_set(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same, also recording the location (file may be NULL, line 0, column NULL). */
int err_at(struct err *e, enum err_code code, const char *file, long line,
	   const char *column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Clears a struct err for reuse. */
void err_clear(struct err *e);

/*
 * The process exit code for an error, documented in `vmpostmortem --help`:
 * 0 ok, 2 usage, 3 input unreadable, 4 input malformed, 5 limit exceeded,
 * 6 template error, 7 output not written, 70 internal error.
 */
int err_exit_code(const struct err *e);

#endif
