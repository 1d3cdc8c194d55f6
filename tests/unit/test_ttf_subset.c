/*
 * Tests of render/ttf_subset.c. FreeType (the rasteriser under poppler,
 * mupdf and cairo) reads the subset: each code must map to its renumbered
 * glyph, and each glyph must have the original's outline and advance, raw
 * and hinted (so the hinting programs survived too); the checksums must be
 * what the format says; broken files must be refused, never read past.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "render/fonts.h"
#include "render/ttf_subset.h"
#include "report/err.h"

static unsigned char *font_bytes(enum canvas_face face, size_t *len)
{
	struct font_set *fs;
	struct err e = ERR_INIT;
	assert_int_equal(font_set_find(&fs, NULL, &e), 0);
	FILE *f = fopen(font_set_path(fs, face), "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	font_set_free(fs);
	*len = (size_t)n;
	return buf;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t sum32(const unsigned char *p, size_t len)
{
	uint32_t s = 0;
	unsigned char last[4] = { 0 };
	for (; len >= 4; p += 4, len -= 4)
		s += be32(p);
	memcpy(last, p, len);
	return s + be32(last);
}

/* Glyph g of face, loaded with flags: its outline and advance as text. */
static void glyph_text(FT_Face face, unsigned g, FT_Int32 flags, char *out, size_t cap)
{
	assert_int_equal(FT_Load_Glyph(face, g, flags), 0);
	const FT_Outline *o = &face->glyph->outline;
	size_t n = (size_t)snprintf(out, cap, "adv %ld pts %d cont %d:", face->glyph->advance.x,
				    o->n_points, o->n_contours);
	for (int i = 0; i < o->n_points && n < cap - 40; i++)
		n += (size_t)snprintf(out + n, cap - n, " %ld,%ld/%d", o->points[i].x,
				      o->points[i].y, o->tags[i] & 1);
	for (int i = 0; i < o->n_contours && n < cap - 10; i++)
		n += (size_t)snprintf(out + n, cap - n, " e%d", o->contours[i]);
}

/* Subsets face for the code points of utf8 text; checks it all. */
static void check_subset(enum canvas_face which, const uint16_t *codes, size_t n)
{
	size_t len;
	unsigned char *font = font_bytes(which, &len);
	FT_Library lib;
	FT_Face orig, sub;
	uint16_t *glyphs = malloc(n * sizeof(*glyphs));
	struct ttf_subset s;

	assert_int_equal(FT_Init_FreeType(&lib), 0);
	assert_int_equal(FT_New_Memory_Face(lib, font, (FT_Long)len, 0, &orig), 0);
	for (size_t i = 0; i < n; i++)
		glyphs[i] = (uint16_t)FT_Get_Char_Index(orig, codes[i]);
	const char *why = ttf_subset_make(font, len, codes, glyphs, n, &s);
	if (why)
		fail_msg("cannot subset: %s", why);
	assert_int_equal(s.n_glyphs_in, (size_t)orig->num_glyphs);
	assert_true(s.len < len / 10);

	/* the format's checksums */
	assert_int_equal(sum32(s.data, s.len), 0xB1B0AFBAu);
	size_t nt = (size_t)(s.data[4] << 8 | s.data[5]);
	for (size_t i = 0; i < nt; i++) {
		const unsigned char *rec = s.data + 12 + 16 * i;
		if (memcmp(rec, "head", 4) == 0)
			continue;   /* its checkSumAdjustment is part of the whole */
		assert_true(be32(rec + 8) % 4 == 0);
		assert_int_equal(sum32(s.data + be32(rec + 8), be32(rec + 12)), be32(rec + 4));
	}

	assert_int_equal(FT_New_Memory_Face(lib, s.data, (FT_Long)s.len, 0, &sub), 0);
	assert_int_equal((size_t)sub->num_glyphs, s.n_glyphs);
	assert_int_equal(FT_Set_Pixel_Sizes(orig, 0, 13), 0);
	assert_int_equal(FT_Set_Pixel_Sizes(sub, 0, 13), 0);
	static char a[65536], b[65536];
	for (size_t i = 0; i < n; i++) {
		unsigned g = glyphs[i], ng = s.gid[g];
		assert_true(g == 0 || ng != 0);
		assert_int_equal(FT_Get_Char_Index(sub, codes[i]), ng);
		glyph_text(orig, g, FT_LOAD_NO_SCALE, a, sizeof(a));
		glyph_text(sub, ng, FT_LOAD_NO_SCALE, b, sizeof(b));
		assert_string_equal(b, a);
		glyph_text(orig, g, FT_LOAD_DEFAULT | FT_LOAD_NO_AUTOHINT, a, sizeof(a));
		glyph_text(sub, ng, FT_LOAD_DEFAULT | FT_LOAD_NO_AUTOHINT, b, sizeof(b));
		assert_string_equal(b, a);
	}
	assert_string_equal(FT_Get_Postscript_Name(sub), FT_Get_Postscript_Name(orig));
	FT_Done_Face(sub);
	FT_Done_Face(orig);
	FT_Done_FreeType(lib);
	ttf_subset_free(&s);
	free(glyphs);
	free(font);
}

static size_t codes_of(const char *utf8, uint16_t *codes, size_t cap)
{
	size_t n = 0;
	for (const unsigned char *u = (const unsigned char *)utf8; *u && n < cap;) {
		unsigned c = *u++;
		if (c >= 0xe0) {
			c = (c & 0x0f) << 12 | (u[0] & 0x3fu) << 6 | (u[1] & 0x3fu);
			u += 2;
		} else if (c >= 0xc0) {
			c = (c & 0x1f) << 6 | (u[0] & 0x3fu);
			u++;
		}
		size_t i = 0;
		while (i < n && codes[i] < c)
			i++;
		if (i < n && codes[i] == c)
			continue;
		memmove(codes + i + 1, codes + i, (n - i) * sizeof(*codes));
		codes[i] = (uint16_t)c;
		n++;
	}
	return n;
}

static void test_report_text(void **state)
{
	uint16_t codes[256];
	size_t n = codes_of("What happened to vm1: 45 min, 95% — memory 4 GiB → 8 GiB. "
			    "Zürich Ærø Ελληνικά Кириллица … ½ ©", codes, 256);
	(void)state;
	check_subset(CANVAS_FACE_REGULAR, codes, n);
	check_subset(CANVAS_FACE_BOLD, codes, n);
}

/* A composite drawn alone: its parts come along, renumbered. */
static void test_composite_parts(void **state)
{
	size_t len;
	unsigned char *font = font_bytes(CANVAS_FACE_REGULAR, &len);
	FT_Library lib;
	FT_Face orig;
	uint16_t codes[] = { 0x00BD /* ½ */, 0x00C0 /* À */ }, glyphs[2];
	struct ttf_subset s;
	(void)state;
	assert_int_equal(FT_Init_FreeType(&lib), 0);
	assert_int_equal(FT_New_Memory_Face(lib, font, (FT_Long)len, 0, &orig), 0);
	for (int i = 0; i < 2; i++)
		glyphs[i] = (uint16_t)FT_Get_Char_Index(orig, codes[i]);
	assert_null(ttf_subset_make(font, len, codes, glyphs, 2, &s));
	/* .notdef, the two, and at least A and the grave accent of À */
	assert_true(s.n_glyphs >= 5);
	FT_Done_Face(orig);
	FT_Done_FreeType(lib);
	ttf_subset_free(&s);
	free(font);
	check_subset(CANVAS_FACE_REGULAR, codes, 2);
}

static void test_bad_files(void **state)
{
	size_t len;
	unsigned char *font = font_bytes(CANVAS_FACE_REGULAR, &len);
	uint16_t code = 'A', glyph = 36;
	struct ttf_subset s;
	(void)state;
	assert_non_null(ttf_subset_make(font, 11, &code, &glyph, 1, &s));
	assert_non_null(ttf_subset_make(font, 200, &code, &glyph, 1, &s));
	assert_null(s.data);
	unsigned char otto[64] = "OTTO";
	assert_non_null(strstr(ttf_subset_make(otto, sizeof(otto), &code, &glyph, 1, &s), "CFF"));
	/* every cut of the file fails cleanly (ASan watches the reads) */
	for (size_t cut = 0; cut < len; cut += 997) {
		unsigned char *part = malloc(cut ? cut : 1);
		memcpy(part, font, cut);
		if (!ttf_subset_make(part, cut, &code, &glyph, 1, &s))
			ttf_subset_free(&s);
		free(part);
	}
	/* damaged tables: every read stays in the file (ASan watches) */
	static const char *const tags[] = { "loca", "maxp", "hhea", "hmtx", "name", "head" };
	uint64_t r = 7;
	uint16_t many[40], gl[40];
	for (int i = 0; i < 40; i++) {
		many[i] = (uint16_t)(0xC0 + i);   /* accented capitals: composites */
		gl[i] = (uint16_t)(130 + i);
	}
	unsigned char *bad = malloc(len);
	for (int round = 0; round < 300; round++) {
		memcpy(bad, font, len);
		for (int k = 0; k < 8; k++) {
			r = r * 6364136223846793005u + 1442695040888963407u;
			const char *tag = tags[(r >> 33) % 6];
			size_t nt = (size_t)(font[4] << 8 | font[5]);
			for (size_t t = 0; t < nt; t++) {
				const unsigned char *rec = font + 12 + 16 * t;
				if (memcmp(rec, tag, 4) == 0) {
					size_t at = be32(rec + 8) + (r >> 40) % be32(rec + 12);
					bad[at] = (unsigned char)(r >> 24);
				}
			}
		}
		if (!ttf_subset_make(bad, len, many, gl, 40, &s))
			ttf_subset_free(&s);
	}
	free(bad);
	/* a glyph index past the font's is dropped, not read */
	uint16_t far = 60000;
	assert_null(ttf_subset_make(font, len, &code, &far, 1, &s));
	assert_int_equal(s.n_glyphs, 1);
	ttf_subset_free(&s);
	free(font);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_text),
		cmocka_unit_test(test_composite_parts),
		cmocka_unit_test(test_bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
