#include "report/outfile.h"
#include "report/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int fail(struct err *e, const char *path, int saved)
{
	return err_at(e, ERR_OUTPUT, path, 0, NULL, "cannot write '%s': %s", path,
		      strerror(saved ? saved : EIO));
}

/* A device, a FIFO, /dev/stdout: no rename over it; write into it. */
static int write_straight(const char *path, const void *data, size_t len, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(e, path, errno);
	if (write_all(fd, data, len) < 0) {
		int saved = errno;
		close(fd);
		return fail(e, path, saved);
	}
	if (close(fd) < 0)
		return fail(e, path, errno);
	return 0;
}

static int write_atomic(const char *shown, const char *path, const void *data, size_t len,
			struct err *e)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd = -1, saved;

	/* O_EXCL on a name of our own; the mode honours the umask, unlike mkstemp. */
	for (unsigned n = 0; fd < 0 && n < 100; n++) {
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%s.tmp%ld.%u", path, (long)getpid(), n);
		fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		saved = errno;
		strbuf_release(&tmp);
		return fail(e, shown, saved);
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto fail_unlink;
	saved = close(fd);
	fd = -1;
	if (saved < 0 || rename(tmp.buf, path) < 0)
		goto fail_unlink;
	strbuf_release(&tmp);
	return 0;
fail_unlink:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp.buf);
	strbuf_release(&tmp);
	return fail(e, shown, saved);
}

int outfile_write(const char *path, const void *data, size_t len, struct err *e)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *target = realpath(path, NULL);
		if (!target)
			return err_at(e, ERR_OUTPUT, path, 0, NULL,
				      "cannot write '%s': it is a symbolic link to a missing "
				      "folder or file; give the file's own path", path);
		int rc = stat(target, &st) == 0 && !S_ISREG(st.st_mode)
			? write_straight(path, data, len, e)
			: write_atomic(path, target, data, len, e);
		free(target);
		return rc;
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return err_at(e, ERR_OUTPUT, path, 0, NULL,
				      "cannot write '%s': it is a folder; give a file name", path);
		return write_straight(path, data, len, e);
	}
	return write_atomic(path, path, data, len, e);
}

int outfile_same(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}
