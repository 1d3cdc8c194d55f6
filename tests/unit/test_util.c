/* Unit tests of the small core helpers: strbuf, strmap, err. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/err.h"
#include "report/strbuf.h"
#include "report/strmap.h"

static void test_strbuf_grows_and_formats(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_memory_equal(sb.buf, "0,1,2,", 6);
	assert_non_null(strstr(sb.buf, ",999,"));
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	strbuf_addstr(&sb, "ab");
	strbuf_addch(&sb, 'c');
	assert_string_equal(sb.buf, "abc");
	size_t len;
	char *d = strbuf_detach(&sb, &len);
	assert_int_equal(len, 3);
	assert_string_equal(d, "abc");
	free(d);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
}

static void test_strbuf_json(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_add_json_str(&sb, "a\"b\\c\nd\x01 Zürich");
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\nd\\u0001 Zürich\"");
	strbuf_reset(&sb);
	strbuf_add_json_num(&sb, 300);
	strbuf_addch(&sb, ' ');
	strbuf_add_json_num(&sb, 0.1);
	strbuf_addch(&sb, ' ');
	strbuf_add_json_num(&sb, NAN);
	strbuf_addch(&sb, ' ');
	strbuf_add_json_num(&sb, 1.0 / 3.0);
	assert_string_equal(sb.buf, "300 0.1 null 0.3333333333333333");
	strbuf_release(&sb);
}

static void test_strmap(void **state)
{
	(void)state;
	struct strmap m = STRMAP_INIT;
	assert_null(strmap_get(&m, "x", 1));
	int vals[500];
	char key[32];
	for (int i = 0; i < 500; i++) {
		int n = snprintf(key, sizeof(key), "vm-%04d", i);
		strmap_put(&m, key, (size_t)n, &vals[i]);
	}
	assert_int_equal(m.count, 500);
	for (int i = 0; i < 500; i++) {
		int n = snprintf(key, sizeof(key), "vm-%04d", i);
		assert_ptr_equal(strmap_get(&m, key, (size_t)n), &vals[i]);
	}
	assert_null(strmap_get(&m, "vm-0500", 7));
	assert_null(strmap_get(&m, "vm-000", 6));      /* a prefix is another key */
	strmap_put(&m, "vm-0001", 7, &vals[0]);        /* replace */
	assert_ptr_equal(strmap_get(&m, "vm-0001", 7), &vals[0]);
	assert_int_equal(m.count, 500);
	strmap_release(&m);
}

static void test_err(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	assert_int_equal(err_exit_code(&e), 0);
	assert_int_equal(err_at(&e, ERR_DATA, "vm7.csv", 812, "value",
				"cannot parse '%s' line %d column '%s': expected a number, got '%s'",
				"vm7.csv", 812, "value", "n/a"), -1);
	assert_string_equal(e.msg, "cannot parse 'vm7.csv' line 812 column 'value': "
				   "expected a number, got 'n/a'");
	assert_string_equal(e.file, "vm7.csv");
	assert_int_equal(e.line, 812);
	assert_int_equal(err_exit_code(&e), 4);
	err_set(&e, ERR_OUTPUT, "x");
	assert_int_equal(err_exit_code(&e), 7);
	err_set(&e, ERR_USAGE, "x");
	assert_int_equal(err_exit_code(&e), 2);
	err_clear(&e);
	assert_int_equal(e.code, ERR_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_grows_and_formats),
		cmocka_unit_test(test_strbuf_json),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_err),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
