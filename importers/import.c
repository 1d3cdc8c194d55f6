/*
 * import_path: finds an export's format from its content and hands it to
 * the importer that reads it. A regular file is given to the importer by
 * its path; anything else (standard input "-", a pipe, a FIFO, a process
 * substitution <(...)) cannot be rewound, so its first bytes, read to find
 * the format, are replayed in front of the rest: CSV is streamed, a binary
 * format (SQLite cannot read a stream) is read whole.
 */
/* Built with _GNU_SOURCE (see CMakeLists.txt) for fopencookie, which replays
 * the sniffed bytes of a stream. */
#include "importers/import.h"
#include "report/strbuf.h"
#include "report/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define IMPORT_MAX_STREAM_DB ((size_t)2 << 30)   /* a database read from a stream */
#define SNIFF_BYTES 16

/*
 * The binary formats, by their first bytes. CSV (text) is what is left.
 * `path` reads a regular file; `buffer` an image read whole from a stream.
 */
static const struct importer {
	const char *name;
	const char *magic;
	size_t len;
	int (*path)(struct store *st, const char *path, const struct import_opts *o,
		    struct err *e);
	int (*buffer)(struct store *st, const char *name, const void *buf, size_t len,
		      const struct import_opts *o, struct err *e);
} importers[] = {
	{ "SQLite", "SQLite format 3", 16, sqlite_import_path, sqlite_import_buffer },
};

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

#define SNIFF_CSV     (-1)
#define SNIFF_UNKNOWN (-2)

/* Recognises a format from the first bytes of the input: the index of its
 * importer, SNIFF_CSV, or SNIFF_UNKNOWN with *hint saying what to do. */
static int sniff(const unsigned char *head, size_t n, const char **hint)
{
	*hint = any_hint;
	for (size_t i = 0; i < sizeof(importers) / sizeof(*importers); i++)
		if (n >= importers[i].len && !memcmp(head, importers[i].magic, importers[i].len))
			return (int)i;
	for (size_t i = 0; i < sizeof(not_exports) / sizeof(*not_exports); i++) {
		if (n >= not_exports[i].len && !memcmp(head, not_exports[i].magic,
						       not_exports[i].len)) {
			*hint = not_exports[i].hint;
			return SNIFF_UNKNOWN;
		}
	}
	if (n == 0)
		return SNIFF_CSV;   /* the CSV importer names the empty file */
	return memchr(head, '\0', n) ? SNIFF_UNKNOWN : SNIFF_CSV;
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

/* Reads f to its end after the n bytes of head; *out (caller frees). */
static int read_whole(FILE *f, const char *name, const char *what, const unsigned char *head,
		      size_t n, unsigned char **out, size_t *out_len, struct err *e)
{
	size_t cap = 1 << 20, len = n;
	unsigned char *buf = xmalloc(cap);
	memcpy(buf, head, n);
	*out = NULL;
	for (;;) {
		if (len == cap) {
			if (cap >= IMPORT_MAX_STREAM_DB) {
				free(buf);
				return err_at(e, ERR_LIMIT, name, 0, NULL,
					      "cannot read %s: a database over 2 GiB must be given "
					      "as a file", what);
			}
			buf = xrealloc(buf, cap *= 2);
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		if (!got)
			break;
		len += got;
	}
	if (ferror(f)) {
		free(buf);
		return err_at(e, ERR_IO, name, 0, NULL, "cannot read %s: %s", what,
			      strerror(errno));
	}
	*out = buf;
	*out_len = len;
	return 0;
}

/*
 * An input that cannot be rewound (standard input, a pipe): f is read once.
 * `name` is how messages and the source name it ("-" for standard input),
 * `what` how a format error names it.
 */
static int import_stream(struct store *st, const char *name, const char *what, FILE *f,
			 const struct import_opts *o, struct err *e)
{
	unsigned char head[SNIFF_BYTES];
	size_t n = fread(head, 1, sizeof(head), f);
	if (ferror(f))
		return err_at(e, ERR_IO, name, 0, NULL, "cannot read %s: %s", what, strerror(errno));
	const char *hint;
	int fmt = sniff(head, n, &hint);
	if (fmt == SNIFF_UNKNOWN)
		return err_at(e, ERR_FORMAT, name, 1, NULL, "cannot read %s: not CSV or SQLite; %s",
			      what, hint);
	if (fmt >= 0) {
		unsigned char *buf = NULL;
		size_t len = 0;
		if (read_whole(f, name, what, head, n, &buf, &len, e) < 0)
			return -1;
		int rc = importers[fmt].buffer(st, name, buf, len, o, e);
		free(buf);
		return rc;
	}
	/* CSV: stream it, with the sniffed bytes replayed in front. */
	struct replay r = { head, n, 0, f };
	static const cookie_io_functions_t io = { replay_read, NULL, NULL, NULL };
	FILE *rf = fopencookie(&r, "r", io);
	if (!rf)
		return err_at(e, ERR_IO, name, 0, NULL, "cannot read %s: %s", what, strerror(errno));
	int rc = csv_import_stream(st, name, rf, o, e);
	fclose(rf);
	return rc;
}

int import_path(struct store *st, const char *path, const struct import_opts *o, struct err *e)
{
	if (!strcmp(path, "-"))
		return import_stream(st, "-", "standard input", stdin, o, e);
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
	int rc;
	if (!S_ISREG(sb.st_mode)) {
		/* a FIFO, <(...), /dev/stdin: read once, like standard input */
		struct strbuf what = STRBUF_INIT;
		strbuf_addf(&what, "'%s'", path);
		rc = import_stream(st, path, what.buf, f, o, e);
		strbuf_release(&what);
		fclose(f);
		return rc;
	}
	unsigned char head[SNIFF_BYTES];
	size_t n = fread(head, 1, sizeof(head), f);
	if (ferror(f) || fseek(f, 0, SEEK_SET) != 0) {
		rc = err_at(e, ERR_IO, path, 0, NULL, "cannot read '%s': %s", path, strerror(errno));
		fclose(f);
		return rc;
	}
	const char *hint;
	int fmt = sniff(head, n, &hint);
	if (fmt >= 0) {
		fclose(f);
		return importers[fmt].path(st, path, o, e);
	}
	if (fmt == SNIFF_CSV) {
		rc = csv_import_stream(st, path, f, o, e);
		fclose(f);
		return rc;
	}
	fclose(f);
	return err_at(e, ERR_FORMAT, path, 1, NULL, "cannot read '%s': not CSV or SQLite; %s", path,
		      hint);
}
