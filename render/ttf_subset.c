/*
 * TrueType subsetting: see ttf_subset.h. Table layouts from the OpenType
 * specification (head, hhea, maxp, loca, glyf, hmtx, cmap format 4, name
 * format 0, post 3.0); every offset read from the file is checked against
 * its table before use.
 */
#include "render/ttf_subset.h"

#include <stdlib.h>
#include <string.h>

#include "report/strbuf.h"
#include "report/xalloc.h"

/* composite glyph flags */
#define ARG_1_AND_2_ARE_WORDS    0x0001
#define WE_HAVE_A_SCALE          0x0008
#define MORE_COMPONENTS          0x0020
#define WE_HAVE_AN_X_AND_Y_SCALE 0x0040
#define WE_HAVE_A_TWO_BY_TWO     0x0080

struct table {
	const unsigned char *p;
	size_t len;
};

/* the original: its tables, sizes and glyph locations */
struct font_in {
	struct table head, hhea, maxp, loca, glyf, hmtx, name, post, os2, cvt, fpgm, prep;
	size_t n_glyphs, n_hmetrics;
	int long_loca;
};

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void add16(struct strbuf *sb, unsigned v)
{
	unsigned char b[2];
	put16(b, v);
	strbuf_add(sb, b, 2);
}

static void add32(struct strbuf *sb, uint32_t v)
{
	unsigned char b[4];
	put32(b, v);
	strbuf_add(sb, b, 4);
}

static const char *read_tables(const unsigned char *font, size_t len, struct font_in *in)
{
	static const struct {
		const char *tag;
		size_t off;
		size_t min;           /* shortest usable length */
		int required;
	} want[] = {
		{ "head", offsetof(struct font_in, head), 54, 1 },
		{ "hhea", offsetof(struct font_in, hhea), 36, 1 },
		{ "maxp", offsetof(struct font_in, maxp), 6, 1 },
		{ "loca", offsetof(struct font_in, loca), 0, 1 },
		{ "glyf", offsetof(struct font_in, glyf), 0, 1 },
		{ "hmtx", offsetof(struct font_in, hmtx), 0, 1 },
		{ "name", offsetof(struct font_in, name), 6, 0 },
		{ "post", offsetof(struct font_in, post), 32, 0 },
		{ "OS/2", offsetof(struct font_in, os2), 0, 0 },
		{ "cvt ", offsetof(struct font_in, cvt), 0, 0 },
		{ "fpgm", offsetof(struct font_in, fpgm), 0, 0 },
		{ "prep", offsetof(struct font_in, prep), 0, 0 },
	};
	memset(in, 0, sizeof(*in));
	if (len < 12)
		return "too short for a font";
	uint32_t version = be32(font);
	if (version != 0x00010000 && version != 0x74727565 /* 'true' */)
		return version == 0x4f54544f ? "an OpenType CFF font, not TrueType" :
		       version == 0x74746366 ? "a font collection, not one font" :
		       "not a TrueType font";
	size_t n = be16(font + 4);
	if (12 + 16 * n > len)
		return "its table directory runs past the end";
	for (size_t i = 0; i < n; i++) {
		const unsigned char *rec = font + 12 + 16 * i;
		size_t off = be32(rec + 8), tlen = be32(rec + 12);
		if (off > len || tlen > len - off)
			return "a table runs past the end of the file";
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
			if (memcmp(rec, want[k].tag, 4) != 0)
				continue;
			struct table *t = (struct table *)((char *)in + want[k].off);
			if (tlen < want[k].min)
				return "a table is too short";
			t->p = font + off;
			t->len = tlen;
		}
	}
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		const struct table *t = (const struct table *)((const char *)in + want[k].off);
		if (want[k].required && !t->p)
			return "a required table (head, hhea, maxp, loca, glyf, hmtx) is missing";
	}
	in->n_glyphs = be16(in->maxp.p + 4);
	in->n_hmetrics = be16(in->hhea.p + 34);
	in->long_loca = be16(in->head.p + 50) != 0;
	if (!in->n_glyphs || !in->n_hmetrics || in->n_hmetrics > in->n_glyphs)
		return "its glyph counts (maxp, hhea) do not agree";
	if (in->loca.len < (in->n_glyphs + 1) * (in->long_loca ? 4 : 2))
		return "its loca table is too short";
	if (in->hmtx.len < 4 * in->n_hmetrics + 2 * (in->n_glyphs - in->n_hmetrics))
		return "its hmtx table is too short";
	return NULL;
}

/* Glyph g's bytes in glyf: 0 with *p, *n set, or -1 when loca is wrong. */
static int glyph_data(const struct font_in *in, size_t g, const unsigned char **p, size_t *n)
{
	size_t a, b;
	if (in->long_loca) {
		a = be32(in->loca.p + 4 * g);
		b = be32(in->loca.p + 4 * g + 4);
	} else {
		a = 2 * (size_t)be16(in->loca.p + 2 * g);
		b = 2 * (size_t)be16(in->loca.p + 2 * g + 2);
	}
	if (a > b || b > in->glyf.len)
		return -1;
	*p = in->glyf.p + a;
	*n = b - a;
	return 0;
}

/*
 * The components of composite glyph data[0..n): start with *at = 0; each
 * call gives in *idx the offset of the next component's glyph index and
 * returns 1, or returns 0 after the last one (at once for a simple or empty
 * glyph), or -1 when the data is cut short.
 */
static int next_component(const unsigned char *data, size_t n, size_t *at, size_t *idx)
{
	if (*at == 0) {
		if (n < 10 || (int16_t)be16(data) >= 0)
			return 0;
		*at = 10;
	}
	if (*at == SIZE_MAX)
		return 0;
	if (*at + 4 > n)
		return -1;
	unsigned flags = be16(data + *at);
	*idx = *at + 2;
	size_t next = *at + 4 + ((flags & ARG_1_AND_2_ARE_WORDS) ? 4 : 2) +
		      ((flags & WE_HAVE_A_SCALE) ? 2 : (flags & WE_HAVE_AN_X_AND_Y_SCALE) ? 4 :
		       (flags & WE_HAVE_A_TWO_BY_TWO) ? 8 : 0);
	if (next > n)
		return -1;
	*at = (flags & MORE_COMPONENTS) ? next : SIZE_MAX;
	return 1;
}

/* The glyphs to keep (keep[g] = 1): 0, the ones drawn, and what their
 * composites are built from, however deep. */
static const char *close_glyphs(const struct font_in *in, const uint16_t *glyphs, size_t n,
				uint16_t *keep)
{
	size_t *stack = xmalloc(in->n_glyphs * sizeof(*stack)), depth = 0;
	const char *why = NULL;

	keep[0] = 1;
	stack[depth++] = 0;
	for (size_t i = 0; i < n; i++)
		if (glyphs[i] < in->n_glyphs && !keep[glyphs[i]]) {
			keep[glyphs[i]] = 1;
			stack[depth++] = glyphs[i];
		}
	while (depth && !why) {
		const unsigned char *p;
		size_t len, at = 0, idx;
		int rc;
		if (glyph_data(in, stack[--depth], &p, &len) < 0) {
			why = "its loca table points outside glyf";
			break;
		}
		while ((rc = next_component(p, len, &at, &idx)) > 0) {
			size_t g = be16(p + idx);
			if (g >= in->n_glyphs) {
				why = "a composite glyph refers to a glyph the font lacks";
				break;
			}
			if (!keep[g]) {
				keep[g] = 1;
				stack[depth++] = g;   /* each glyph once: the stack cannot overflow */
			}
		}
		if (rc < 0)
			why = "a composite glyph is cut short";
	}
	free(stack);
	return why;
}

/* cmap: one Windows Unicode BMP subtable, format 4, a segment per run of
 * codes whose new glyphs follow each other, and the closing 0xFFFF one. */
static void make_cmap(struct strbuf *sb, const uint16_t *codes, const uint16_t *glyphs,
		      size_t n, const uint16_t *gid, size_t n_glyphs)
{
	uint16_t *start = xmalloc((n + 1) * sizeof(*start)), *end = xmalloc((n + 1) * sizeof(*end));
	uint16_t *delta = xmalloc((n + 1) * sizeof(*delta));
	size_t segs = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned code = codes[i], g = glyphs[i] < n_glyphs ? gid[glyphs[i]] : 0;
		if (code == 0xffff || !g || (i && code <= codes[i - 1]))
			continue;
		uint16_t d = (uint16_t)(g - code);
		if (segs && end[segs - 1] + 1u == code && delta[segs - 1] == d) {
			end[segs - 1] = (uint16_t)code;
			continue;
		}
		start[segs] = end[segs] = (uint16_t)code;
		delta[segs++] = d;
	}
	start[segs] = end[segs] = 0xffff;
	delta[segs++] = 1;
	unsigned range = 2, selector = 0;
	while (range * 2 <= 2 * segs) {
		range *= 2;
		selector++;
	}
	add16(sb, 0);                       /* version */
	add16(sb, 1);                       /* one subtable */
	add16(sb, 3);                       /* Windows */
	add16(sb, 1);                       /* Unicode BMP */
	add32(sb, 12);
	add16(sb, 4);                       /* format */
	add16(sb, (unsigned)(16 + 8 * segs));
	add16(sb, 0);                       /* language */
	add16(sb, (unsigned)(2 * segs));
	add16(sb, range);
	add16(sb, selector);
	add16(sb, (unsigned)(2 * segs) - range);
	for (size_t i = 0; i < segs; i++)
		add16(sb, end[i]);
	add16(sb, 0);                       /* reservedPad */
	for (size_t i = 0; i < segs; i++)
		add16(sb, start[i]);
	for (size_t i = 0; i < segs; i++)
		add16(sb, delta[i]);
	for (size_t i = 0; i < segs; i++)
		add16(sb, 0);               /* idRangeOffset */
	free(start);
	free(end);
	free(delta);
}

/* name: the records with ids 0-6 (copyright, family, style, id, full name,
 * version, PostScript name) of the original; the rest (licence, URLs,
 * descriptions) is most of the table and no reader of a PDF needs it. */
static void make_name(struct strbuf *sb, const struct table *t)
{
	size_t count = t->p ? be16(t->p + 2) : 0, storage = t->p ? be16(t->p + 4) : 0, kept = 0;
	struct strbuf strings = STRBUF_INIT, recs = STRBUF_INIT;
	if (6 + 12 * count > t->len || storage > t->len)
		count = 0;
	for (size_t i = 0; i < count; i++) {
		const unsigned char *r = t->p + 6 + 12 * i;
		size_t id = be16(r + 6), len = be16(r + 8), off = be16(r + 10);
		if (id > 6 || storage + off + len > t->len)
			continue;
		strbuf_add(&recs, r, 8);    /* platform, encoding, language, name id */
		add16(&recs, (unsigned)len);
		add16(&recs, (unsigned)strings.len);
		strbuf_add(&strings, t->p + storage + off, len);
		kept++;
	}
	add16(sb, 0);
	add16(sb, (unsigned)kept);
	add16(sb, (unsigned)(6 + 12 * kept));
	strbuf_add(sb, recs.buf, recs.len);
	strbuf_add(sb, strings.buf, strings.len);
	strbuf_release(&strings);
	strbuf_release(&recs);
}

static uint32_t checksum(const unsigned char *p, size_t len)
{
	uint32_t sum = 0;
	unsigned char last[4] = { 0 };
	for (; len >= 4; p += 4, len -= 4)
		sum += be32(p);
	memcpy(last, p, len);
	return sum + be32(last);
}

struct out_table {
	char tag[4];
	struct strbuf data;
};

static void put_table(struct out_table *t, const char *tag, const void *p, size_t len)
{
	memcpy(t->tag, tag, 4);
	strbuf_init(&t->data, len);
	strbuf_add(&t->data, p, len);
}

const char *ttf_subset_make(const unsigned char *font, size_t len, const uint16_t *codes,
			    const uint16_t *glyphs, size_t n, struct ttf_subset *out)
{
	struct font_in in;
	const char *why = read_tables(font, len, &in);
	memset(out, 0, sizeof(*out));
	if (why)
		return why;

	uint16_t *keep = xcalloc(in.n_glyphs, sizeof(*keep));
	if ((why = close_glyphs(&in, glyphs, n, keep)) != NULL) {
		free(keep);
		return why;
	}
	uint16_t *gid = keep;   /* renumbered in place: kept glyphs in order */
	size_t kept = 0;
	for (size_t g = 0; g < in.n_glyphs; g++)
		gid[g] = keep[g] ? (uint16_t)kept++ : 0;

	/* tables, in tag order */
	struct out_table t[13];
	size_t nt = 0;
	unsigned char *p;
	if (in.os2.p)
		put_table(&t[nt++], "OS/2", in.os2.p, in.os2.len);
	memcpy(t[nt].tag, "cmap", 4);
	strbuf_init(&t[nt].data, 64);
	make_cmap(&t[nt++].data, codes, glyphs, n, gid, in.n_glyphs);
	if (in.cvt.p)
		put_table(&t[nt++], "cvt ", in.cvt.p, in.cvt.len);
	if (in.fpgm.p)
		put_table(&t[nt++], "fpgm", in.fpgm.p, in.fpgm.len);

	struct out_table *glyf = &t[nt++];
	memcpy(glyf->tag, "glyf", 4);
	strbuf_init(&glyf->data, 4096);
	uint32_t *loca = xmalloc((kept + 1) * sizeof(*loca));
	for (size_t g = 0, k = 0; g < in.n_glyphs; g++) {
		const unsigned char *d;
		size_t dn;
		if (g && !gid[g])
			continue;
		(void)glyph_data(&in, g, &d, &dn);   /* checked by close_glyphs */
		loca[k++] = (uint32_t)glyf->data.len;
		size_t at = glyf->data.len;
		strbuf_add(&glyf->data, d, dn);
		unsigned char *copy = (unsigned char *)glyf->data.buf + at;
		size_t c_at = 0, idx;
		while (next_component(copy, dn, &c_at, &idx) > 0)
			put16(copy + idx, gid[be16(copy + idx)]);
		while (glyf->data.len % 4)
			strbuf_addch(&glyf->data, 0);
	}
	loca[kept] = (uint32_t)glyf->data.len;

	put_table(&t[nt], "head", in.head.p, in.head.len);
	p = (unsigned char *)t[nt++].data.buf;
	put32(p + 8, 0);                    /* checkSumAdjustment, set below */
	put16(p + 50, 1);                   /* long loca */
	put_table(&t[nt], "hhea", in.hhea.p, in.hhea.len);
	put16((unsigned char *)t[nt++].data.buf + 34, (unsigned)kept);

	memcpy(t[nt].tag, "hmtx", 4);
	strbuf_init(&t[nt].data, 4 * kept);
	for (size_t g = 0; g < in.n_glyphs; g++) {
		if (g && !gid[g])
			continue;
		size_t m = g < in.n_hmetrics ? g : in.n_hmetrics - 1;
		add16(&t[nt].data, be16(in.hmtx.p + 4 * m));
		add16(&t[nt].data, g < in.n_hmetrics ? be16(in.hmtx.p + 4 * g + 2) :
			      be16(in.hmtx.p + 4 * in.n_hmetrics + 2 * (g - in.n_hmetrics)));
	}
	nt++;

	memcpy(t[nt].tag, "loca", 4);
	strbuf_init(&t[nt].data, 4 * (kept + 1));
	for (size_t k = 0; k <= kept; k++)
		add32(&t[nt].data, loca[k]);
	nt++;
	free(loca);

	put_table(&t[nt], "maxp", in.maxp.p, in.maxp.len);
	put16((unsigned char *)t[nt++].data.buf + 4, (unsigned)kept);
	memcpy(t[nt].tag, "name", 4);
	strbuf_init(&t[nt].data, 512);
	make_name(&t[nt++].data, &in.name);
	if (in.post.p) {
		put_table(&t[nt], "post", in.post.p, 32);
		put32((unsigned char *)t[nt++].data.buf, 0x00030000);
	}
	if (in.prep.p)
		put_table(&t[nt++], "prep", in.prep.p, in.prep.len);

	/* the file: directory, then each table 4-byte aligned */
	struct strbuf f = STRBUF_INIT;
	unsigned range = 1, selector = 0;
	while (range * 2 <= nt) {
		range *= 2;
		selector++;
	}
	add32(&f, 0x00010000);
	add16(&f, (unsigned)nt);
	add16(&f, 16 * range);
	add16(&f, selector);
	add16(&f, (unsigned)(16 * nt - 16 * range));
	size_t off = 12 + 16 * nt, head_at = 0;
	for (size_t i = 0; i < nt; i++) {
		strbuf_add(&f, t[i].tag, 4);
		add32(&f, checksum((const unsigned char *)t[i].data.buf, t[i].data.len));
		add32(&f, (uint32_t)off);
		add32(&f, (uint32_t)t[i].data.len);
		if (!memcmp(t[i].tag, "head", 4))
			head_at = off;
		off += (t[i].data.len + 3) & ~(size_t)3;
	}
	for (size_t i = 0; i < nt; i++) {
		strbuf_add(&f, t[i].data.buf, t[i].data.len);
		while (f.len % 4)
			strbuf_addch(&f, 0);
		strbuf_release(&t[i].data);
	}
	put32((unsigned char *)f.buf + head_at + 8,
	      0xB1B0AFBAu - checksum((const unsigned char *)f.buf, f.len));

	out->data = (unsigned char *)strbuf_detach(&f, &out->len);
	out->gid = gid;
	out->n_glyphs_in = in.n_glyphs;
	out->n_glyphs = kept;
	return NULL;
}

void ttf_subset_free(struct ttf_subset *s)
{
	free(s->data);
	free(s->gid);
	memset(s, 0, sizeof(*s));
}
