/* Unit tests of report/outfile.c: atomic output that never replaces a
 * link, a device or a FIFO, and leaves nothing behind on failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/outfile.h"

struct fx {
	char dir[256];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/vmpm-outfile-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	DIR *d = opendir(fx->dir);
	struct dirent *de;
	char p[512];
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", fx->dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static size_t entries(const char *dir)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void test_regular_and_replace(void **state)
{
	struct fx *fx = *state;
	char path[512], got[64];
	struct err e = ERR_INIT;
	snprintf(path, sizeof(path), "%s/out.pdf", fx->dir);
	assert_int_equal(outfile_write(path, "first", 5, &e), 0);
	assert_int_equal(outfile_write(path, "second", 6, &e), 0);
	slurp(path, got, sizeof(got));
	assert_string_equal(got, "second");
	assert_int_equal(entries(fx->dir), 1);     /* no temporary left */
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	mode_t um = umask(0);
	umask(um);
	assert_int_equal(st.st_mode & 0777, 0666 & ~um);
}

static void test_symlink_is_followed(void **state)
{
	struct fx *fx = *state;
	char target[512], link[512], got[64];
	struct err e = ERR_INIT;
	snprintf(target, sizeof(target), "%s/real.pdf", fx->dir);
	snprintf(link, sizeof(link), "%s/link.pdf", fx->dir);
	assert_int_equal(outfile_write(target, "old", 3, &e), 0);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(outfile_write(link, "new", 3, &e), 0);
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));          /* the link stays a link */
	slurp(target, got, sizeof(got));
	assert_string_equal(got, "new");
	assert_int_equal(entries(fx->dir), 2);
	/* a dangling link is refused, nothing created */
	snprintf(link, sizeof(link), "%s/dangling.pdf", fx->dir);
	assert_int_equal(symlink("/nonexistent-folder/x.pdf", link), 0);
	assert_int_equal(outfile_write(link, "x", 1, &e), -1);
	assert_int_equal(e.code, ERR_OUTPUT);
	assert_non_null(strstr(e.msg, "symbolic link"));
}

static void test_fifo_and_device_written_into(void **state)
{
	struct fx *fx = *state;
	char fifo[512];
	struct err e = ERR_INIT;
	snprintf(fifo, sizeof(fifo), "%s/pipe", fx->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid_t pid = fork();
	if (pid == 0) {   /* the reader */
		char buf[64] = "";
		int fd = open(fifo, O_RDONLY);
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		_exit(n == 7 && !memcmp(buf, "through", 7) ? 0 : 1);
	}
	assert_int_equal(outfile_write(fifo, "through", 7, &e), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	struct stat st;
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));          /* still a FIFO */
	assert_int_equal(outfile_write("/dev/null", "x", 1, &e), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	if (access("/dev/full", W_OK) == 0) {      /* a device that fails: reported */
		assert_int_equal(outfile_write("/dev/full", "x", 1, &e), -1);
		assert_int_equal(e.code, ERR_OUTPUT);
		assert_int_equal(stat("/dev/full", &st), 0);
		assert_true(S_ISCHR(st.st_mode));
	}
}

static void test_failures_leave_nothing(void **state)
{
	struct fx *fx = *state;
	char path[512];
	struct err e = ERR_INIT;
	snprintf(path, sizeof(path), "%s/missing-folder/out.pdf", fx->dir);
	assert_int_equal(outfile_write(path, "x", 1, &e), -1);
	assert_int_equal(e.code, ERR_OUTPUT);
	assert_non_null(strstr(e.msg, "missing-folder/out.pdf"));
	assert_int_equal(outfile_write(fx->dir, "x", 1, &e), -1);
	assert_non_null(strstr(e.msg, "folder"));
	assert_int_equal(entries(fx->dir), 0);
}

static void test_same(void **state)
{
	struct fx *fx = *state;
	char a[512], b[512];
	struct err e = ERR_INIT;
	snprintf(a, sizeof(a), "%s/a.csv", fx->dir);
	snprintf(b, sizeof(b), "%s/./a.csv", fx->dir);
	assert_int_equal(outfile_write(a, "t", 1, &e), 0);
	assert_true(outfile_same(a, b));
	assert_false(outfile_same(a, "/dev/null"));
	assert_false(outfile_same(a, "/nonexistent"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_regular_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_is_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_and_device_written_into, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_leave_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
