#ifndef VMPM_OUTFILE_H
#define VMPM_OUTFILE_H
/*
 * Writing an output file so that a reader never sees half of it and a
 * failure leaves nothing behind: the data goes to a temporary file in the
 * same folder (mode 0666 less the umask), is flushed to disk, and is then
 * renamed over the path. Every output of the tool (PDF, PNG, SVG, JSON)
 * goes through here.
 *
 *   struct err e = ERR_INIT;
 *   if (outfile_write("report.pdf", buf, len, &e) < 0)
 *           ...   // ERR_OUTPUT, e.msg names the path and the reason
 *
 * What is already at the path decides how:
 * - nothing, or a regular file: temporary file + rename (atomic);
 * - a symbolic link: the file it points to is written (atomically, beside
 *   it), the link stays;
 * - anything else (/dev/stdout, a FIFO, a device): written straight into,
 *   since renaming over it would replace the device or pipe itself.
 */
#include <stddef.h>

#include "report/err.h"

int outfile_write(const char *path, const void *data, size_t len, struct err *e);

/* 1 if a and b name the same existing file (device and inode), else 0. */
int outfile_same(const char *a, const char *b);

#endif
