/*
 * import_path: finds an export's format from its content and hands it to
 * the importer that reads it. Standard input is read whole only when it is
 * a SQLite image (sqlite cannot read a stream); CSV is streamed.
 */
/* Built with _GNU_SOURCE (see CMakeLists.txt) for fopencookie, which replays
 * the sniffed bytes of standard input. */
#include "importers/import.h"
#include "report/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define IMPORT_MAX_STDIN_DB ((size_t)2 << 30)   /* a SQLite image on stdin */

static const char sqlite_magic[16] = "SQLite format 3";   /* with its NUL */

enum format { FMT_CSV, FMT_SQLITE, FMT_UNKNOWN };

/* Files that are surely not an export, by their first bytes, and what to do. */
static const struct {
	const char *magic;
	size_t len;
	const char *hint;
} not_exports[] = {
	{ "\x1f\x8b", 2, "it is gzip-compressed; decompress it first (gunzip -k FILE)" },
	{ "PK\x03\x04", 4, "it is a zip archive; extract the CSV or database from it first" },
	{ "BZh", 3, "it is bzip2-compressed; decompress it first (bunzip2 -k FILE)" },
	{ "\xfd" "7zXZ", 5, "it is xz-compressed; decompress it first (unxz -k FILE)" },
	{ "\x28\xb5\x2f\xfd", 4, "it is zstd-compressed; decompress it first (unzstd FILE)" },
	{ "%PDF", 4, "it is a PDF document; give the metrics export (CSV or SQLite), not a report" },
	{ "\x89PNG", 4, "it is a PNG image; give the metrics export (CSV or SQLite), not a chart" },
};

static const char any_hint[] =
	"expected a CSV export (timestamp,vm,metric,value) or a SQLite database";

/* Recognises a format from the first bytes of the input; *hint says what to
 * do with FMT_UNKNOWN. */
static enum format sniff(const unsigned char *head, size_t n, const char **hint)
{
	*hint = any_hint;
	if (n >= sizeof(sqlite_magic) && !memcmp(head, sqlite_magic, sizeof(sqlite_magic)))
		return FMT_SQLITE;
	for (size_t i = 0; i < sizeof(not_exports) / sizeof(*not_exports); i++) {
		if (n >= not_exports[i].len && !memcmp(head, not_exports[i].magic,
						       not_exports[i].len)) {
			*hint = not_exports[i].hint;
			return FMT_UNKNOWN;
		}
	}
	if (n == 0)
		return FMT_CSV;   /* the CSV importer names the empty file */
	return memchr(head, '\0', n) ? FMT_UNKNOWN : FMT_CSV;
}

/* A stream that yields the sniffed head, then the rest of the real stream. */
struct replay {
	const unsigned char *head;
	size_t len, pos;
	FILE *rest;
};

static ssize_t replay_read(void *cookie, char *buf, size_t size)
{
	struct replay *r = cookie;
	if (r->pos < r->len) {
		size_t n = r->len - r->pos < size ? r->len - r->pos : size;
		memcpy(buf, r->head + r->pos, n);
		r->pos += n;
		return (ssize_t)n;
	}
	size_t got = fread(buf, 1, size, r->rest);
	return got ? (ssize_t)got : (ferror(r->rest) ? -1 : 0);
}

static int import_stdin(struct store *st, const struct import_opts *o, struct err *e)
{
	unsigned char head[16];
	size_t n = fread(head, 1, sizeof(head), stdin);
	const char *hint;
	enum format fmt = sniff(head, n, &hint);
	if (fmt == FMT_UNKNOWN)
		return err_at(e, ERR_FORMAT, "-", 1, NULL,
			      "cannot read standard input: not CSV or SQLite; %s", hint);
	if (fmt == FMT_SQLITE) {
		size_t cap = 1 << 20, len = n;
		unsigned char *buf = xmalloc(cap);
		memcpy(buf, head, n);
		for (;;) {
			if (len == cap) {
				if (cap >= IMPORT_MAX_STDIN_DB) {
					free(buf);
					return err_set(e, ERR_LIMIT,
						       "cannot read standard input: a database over 2 GiB "
						       "must be given as a file");
				}
				buf = xrealloc(buf, cap *= 2);
			}
			size_t got = fread(buf + len, 1, cap - len, stdin);
			if (!got)
				break;
			len += got;
		}
		int rc = ferror(stdin)
			? err_set(e, ERR_IO, "cannot read standard input: %s", strerror(errno))
			: sqlite_import_buffer(st, "-", buf, len, o, e);
		free(buf);
		return rc;
	}
	/* CSV: stream it, with the sniffed bytes replayed in front. */
	struct replay r = { head, n, 0, stdin };
	static const cookie_io_functions_t io = { replay_read, NULL, NULL, NULL };
	FILE *f = fopencookie(&r, "r", io);
	if (!f)
		return err_set(e, ERR_IO, "cannot read standard input: %s", strerror(errno));
	int rc = csv_import_stream(st, "-", f, o, e);
	fclose(f);
	return rc;
}

int import_path(struct store *st, const char *path, const struct import_opts *o, struct err *e)
{
	if (!strcmp(path, "-"))
		return import_stdin(st, o, e);
	struct stat sb;
	if (stat(path, &sb) != 0)
		return err_at(e, ERR_IO, path, 0, NULL, "cannot open '%s': %s", path, strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return err_at(e, ERR_IO, path, 0, NULL,
			      "cannot read '%s': it is a directory; give the export file inside it",
			      path);
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_at(e, ERR_IO, path, 0, NULL, "cannot open '%s': %s", path, strerror(errno));
	unsigned char head[16];
	size_t n = fread(head, 1, sizeof(head), f);
	if (ferror(f)) {
		fclose(f);
		return err_at(e, ERR_IO, path, 0, NULL, "cannot read '%s': %s", path, strerror(errno));
	}
	int rc;
	const char *hint;
	switch (sniff(head, n, &hint)) {
	case FMT_SQLITE:
		fclose(f);
		return sqlite_import_path(st, path, o, e);
	case FMT_CSV:
		rewind(f);
		rc = csv_import_stream(st, path, f, o, e);
		fclose(f);
		return rc;
	case FMT_UNKNOWN:
		break;
	}
	fclose(f);
	return err_at(e, ERR_FORMAT, path, 1, NULL, "cannot read '%s': not CSV or SQLite; %s", path,
		      hint);
}
