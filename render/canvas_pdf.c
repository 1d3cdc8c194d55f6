/*
 * The PDF backend, on libharu 2.3.0 (Debian libhpdf-dev).
 *
 * y: callers draw with y down from the top; PDF has y up from the bottom, so
 * every y becomes page_h - y here (no flipped CTM, which would mirror text).
 *
 * Errors: libharu calls on_error() and carries on (no longjmp); the first
 * error is latched into the canvas, after which the front end calls nothing.
 * After any error libharu also refuses the document as a whole.
 *
 * Numbers: libharu writes every real clamped to +-32767 (HPDF_LIMIT_MAX_REAL)
 * with no warning. The front end clips paths to the page plus 8192 points,
 * and pages are at most 14400 points, so after the flip no coordinate we
 * write comes near that bound. Line widths, font sizes and dash lengths are
 * held to libharu's own limits by the front end (canvas.h).
 *
 * Text: the regular and bold DejaVu files are read at creation (so a bad
 * file fails early), the mono one when first needed (a bad one then fails
 * the canvas); each is measured from libharu's font definitions, the same integer
 * advance widths (1/1000 em, truncated) libharu writes into /W. A face
 * becomes a PDF font, embedded, only when text is first drawn in it: libharu
 * 2.3 writes every font object it made, used or not, with most of the file
 * (its "subset" keeps the tables it needs whole and drops only unused glyph
 * outlines), about 40 KB a face once compressed (see "The font program").
 * Fonts go through libharu's "UTF-8" encoder, which
 * makes each a Type0 font with /Encoding /Identity-H whose codes are UTF-16
 * code units (so the Basic Multilingual Plane only, hence the front end's
 * placeholder for anything beyond it) and a CIDToGIDMap to the glyphs.
 *
 * The ToUnicode problem, and our fix. For such a font libharu 2.3.0 attaches
 * as /ToUnicode the stream CreateCMap() makes for its encoder
 * (hpdf_font_cid.c, HPDF_Type0Font_New, the "Who can understand that ?"
 * branch). That stream is a CID-keyed CMap (code -> CID, "begincidrange
 * <0000> <FFFF> 0"), not a ToUnicode CMap (code -> Unicode, which must use
 * beginbfchar/beginbfrange), so poppler prints for every font, from
 * pdftotext, pdffonts and pdftoppm alike:
 *
 *   Syntax Warning: Invalid 'begincidrange' operator in ToUnicode CMap
 *
 * and falls back to guessing from the embedded font's own cmap (which is why
 * the text still comes out right). qpdf --check does not look inside CMaps
 * and stays silent. (libharu's current sources on GitHub no longer take this
 * branch; we have not checked which release changed it.) Our fix, before
 * anything is written: find the font's /ToUnicode stream through libharu's
 * object API (HPDF_Dict_GetItem, exported and declared in the installed
 * hpdf_objects.h), empty it (HPDF_MemStream_FreeData), drop the CMap keys
 * that belong to an /Encoding CMap, and write a proper identity ToUnicode
 * CMap into it: codes are UTF-16 code units, so <XX00> <XXFF> <XX00> for
 * every high byte but the surrogates D8..DF, in blocks of at most 100
 * ranges (the CMap limit), no range crossing a high byte. The stream keeps
 * its object number and libharu still compresses it, so output stays
 * reproducible, and poppler, pdftotext and qpdf are all silent. If a libharu
 * build has no /ToUnicode stream there, we leave the font alone.
 *
 * Making a font, quickly. For a UTF encoder, libharu's CIDFontType2_New
 * (hpdf_font_cid.c) asks HPDF_TTFontDef_GetGlyphid for each of the 65536
 * BMP code points, to build the /W widths and the CIDToGIDMap of every code
 * the font has; each call walks the cmap's segments from the first (193 in
 * DejaVu Sans), some 60 million instructions a face, and /W alone came to
 * 5,600 numbers a face. While HPDF_GetFont runs, get_font_fast() gives the
 * font definition a cmap of one segment that maps every code to glyph 0,
 * so both come out empty at little cost; then it puts the real cmap back
 * (text is measured through it). When the document is done, embed_face()
 * writes /W and the CIDToGIDMap for the codes drawn, as libharu would have
 * for them (widths that differ from /DW, runs of consecutive codes).
 *
 * The font program. libharu embeds the whole font but the outlines of the
 * glyphs used: 'loca', 'hmtx', 'cmap', the PostScript names of 'post' and
 * the licence text of 'name' stay whole (86 KB a face for a report), and it
 * copies them a byte at a time. embed_face() instead has libharu make the
 * font descriptor without a program (embedding off while its before_write_fn
 * runs) and adds render/ttf_subset.c's subset of the drawn glyphs, some
 * 15 KB; the CIDToGIDMap maps each code to its glyph in the subset.
 * Pictures are pixel for pixel the same.
 *
 * Reproducible output: libharu 2.3 writes no /ID unless encrypting, takes
 * dates only from HPDF_SetInfoDateAttr (we pass the caller's epoch), names
 * the subset fonts HPDFAA+, HPDFAB+, ... in load order, and zlib is
 * deterministic: the same calls give the same bytes (a test checks it).
 *
 * Destinations (bookmarks, links) use /FitH at the target height: libharu
 * 2.3 refuses /XYZ with a null zoom (HPDF_INVALID_PARAMETER).
 */
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/canvas.h"
#include "render/fonts.h"
#include "render/ttf_subset.h"
#include "report/strbuf.h"
#include "report/xalloc.h"

#define PI 3.14159265358979323846

struct pdf_state {
	enum canvas_face face;
	double size;
	int fill_milli, stroke_milli;   /* opacity in thousandths */
};

struct alpha_gs {
	int stroke;
	int milli;
	HPDF_ExtGState gs;
};

struct pdf_image {
	uint64_t hash;
	int w, h;
	HPDF_Image img;
};

struct pdf_page {
	HPDF_Page page;
	double h;
};

struct pdf_link {
	size_t from;            /* page index */
	HPDF_Rect rect;         /* in PDF coordinates */
	unsigned target;
	double target_y;        /* y down, as given */
};

struct pdf {
	struct canvas *canvas;  /* set once the canvas exists */
	HPDF_Doc doc;
	char *path;
	struct font_set *owned_fonts;
	const struct font_set *fonts;
	const char *font_name[CANVAS_FACE_COUNT];      /* owned by libharu */
	HPDF_FontDef font_def[CANVAS_FACE_COUNT];
	HPDF_Font font[CANVAS_FACE_COUNT];              /* made on first use */
	HPDF_UINT16 max_cid[CANVAS_FACE_COUNT];         /* highest code drawn */
	unsigned char *drawn[CANVAS_FACE_COUNT];        /* bit per code drawn */
	HPDF_Encoder utf8;
	struct {                        /* the one-segment cmap of get_font_fast */
		HPDF_UINT16 end, start, range_offset;
		HPDF_INT16 delta;
	} one_seg;
	HPDF_UINT16 *no_glyphs;         /* its glyph_id_array: 65536 zeros */
	HPDF_STATUS first_error;        /* before the canvas exists */
	int quiet_errors;               /* loading a face: its caller says what failed */
	HPDF_STATUS first_detail;

	struct pdf_page *pages;
	size_t n_pages, cap_pages;
	HPDF_Page page;
	double page_h;

	struct pdf_state st[CANVAS_MAX_SAVE_DEPTH + 1];
	unsigned depth;

	struct alpha_gs *gs;
	size_t n_gs, cap_gs;
	struct pdf_image *images;
	size_t n_images, cap_images;
	struct pdf_link *links;
	size_t n_links, cap_links;
	HPDF_Outline outline_last[CANVAS_MAX_OUTLINE_LEVEL];
	unsigned outline_levels;        /* levels with a last entry */
};

static const struct {
	HPDF_STATUS code;
	const char *what;
} hpdf_errors[] = {
	{ HPDF_FAILD_TO_ALLOC_MEM, "out of memory" },
	{ HPDF_FILE_IO_ERROR, "file read or write failed" },
	{ HPDF_FILE_OPEN_ERROR, "cannot open the file" },
	{ HPDF_FONT_EXISTS, "font loaded twice" },
	{ HPDF_INVALID_FONTDEF_DATA, "unusable font data" },
	{ HPDF_TTF_INVALID_CMAP, "font has no usable cmap table" },
	{ HPDF_TTF_INVALID_FOMAT, "not a TrueType font" },
	{ HPDF_TTF_MISSING_TABLE, "font lacks a required table" },
	{ HPDF_UNSUPPORTED_FONT_TYPE, "unsupported font type" },
	{ HPDF_INVALID_IMAGE, "invalid image" },
	{ HPDF_INVALID_PARAMETER, "invalid parameter" },
	{ HPDF_INVALID_OPERATION, "invalid operation" },
	{ HPDF_PAGE_INVALID_GMODE, "operator not allowed in this graphics mode" },
	{ HPDF_PAGE_OUT_OF_RANGE, "value out of range" },
	{ HPDF_PAGE_INVALID_SIZE, "invalid page size" },
	{ HPDF_EXCEED_GSTATE_LIMIT, "too many nested graphics states" },
	{ HPDF_INVALID_DOCUMENT, "document already failed" },
};

static const char *hpdf_error_text(HPDF_STATUS code)
{
	for (size_t i = 0; i < sizeof(hpdf_errors) / sizeof(hpdf_errors[0]); i++)
		if (hpdf_errors[i].code == code)
			return hpdf_errors[i].what;
	return "see hpdf_error.h";
}

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
	struct pdf *p = user_data;

	if (p->first_error)
		return;
	p->first_error = error_no;
	p->first_detail = detail_no;
	if (p->canvas && !p->quiet_errors)
		canvas_latch(p->canvas, ERR_INTERNAL,
			     "cannot make PDF '%s': libharu error 0x%04X (%s), detail %u",
			     p->path, (unsigned)error_no, hpdf_error_text(error_no),
			     (unsigned)detail_no);
}

/* ---- the ToUnicode fix (see the top of this file) ------------------------ */

static void write_tounicode(struct strbuf *sb)
{
	int high[256], n = 0;

	for (int h = 0; h < 256; h++)
		if (h < 0xd8 || h > 0xdf)
			high[n++] = h;
	strbuf_addstr(sb, "/CIDInit /ProcSet findresource begin\n"
		      "12 dict begin\n"
		      "begincmap\n"
		      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		      "/CMapName /Adobe-Identity-UCS def\n"
		      "/CMapType 2 def\n"
		      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (int i = 0; i < n; i += 100) {
		int block = n - i < 100 ? n - i : 100;
		strbuf_addf(sb, "%d beginbfrange\n", block);
		for (int j = i; j < i + block; j++)
			strbuf_addf(sb, "<%02X00> <%02XFF> <%02X00>\n", high[j], high[j],
				    high[j]);
		strbuf_addstr(sb, "endbfrange\n");
	}
	strbuf_addstr(sb, "endcmap\n"
		      "CMapName currentdict /CMap defineresource pop\n"
		      "end\n"
		      "end\n");
}

static void fix_tounicode(HPDF_Font font)
{
	static const char *const encoding_keys[] = { "Type", "CMapName", "CIDSystemInfo",
						     "WMode" };
	HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
	struct strbuf sb = STRBUF_INIT;

	if (!tu || !tu->stream)
		return;
	HPDF_MemStream_FreeData(tu->stream);
	for (size_t i = 0; i < sizeof(encoding_keys) / sizeof(encoding_keys[0]); i++)
		(void)HPDF_Dict_RemoveElement(tu, encoding_keys[i]);   /* absent is fine */
	write_tounicode(&sb);
	HPDF_Stream_Write(tu->stream, (const HPDF_BYTE *)sb.buf, (HPDF_UINT)sb.len);
	strbuf_release(&sb);
}

/* ---- state --------------------------------------------------------------- */

static struct pdf_state *cur(struct pdf *p)
{
	return &p->st[p->depth];
}

static double flip(const struct pdf *p, double y)
{
	return p->page_h - y;
}

static void pdf_begin_page(void *self, double w, double h)
{
	struct pdf *p = self;

	p->page = HPDF_AddPage(p->doc);
	if (!p->page)
		return;
	HPDF_Page_SetWidth(p->page, (HPDF_REAL)w);
	HPDF_Page_SetHeight(p->page, (HPDF_REAL)h);
	p->page_h = h;
	XGROW(p->pages, p->cap_pages, p->n_pages + 1);
	p->pages[p->n_pages].page = p->page;
	p->pages[p->n_pages].h = h;
	p->n_pages++;
	p->depth = 0;
	p->st[0].face = CANVAS_FACE_REGULAR;
	p->st[0].size = 10;
	p->st[0].fill_milli = p->st[0].stroke_milli = 1000;
}

static void pdf_end_page(void *self)
{
	struct pdf *p = self;
	p->page = NULL;
}

static void pdf_save(void *self)
{
	struct pdf *p = self;
	HPDF_Page_GSave(p->page);
	p->st[p->depth + 1] = p->st[p->depth];
	p->depth++;
}

static void pdf_restore(void *self)
{
	struct pdf *p = self;
	HPDF_Page_GRestore(p->page);
	p->depth--;
}

/* One ExtGState per opacity and kind, made on first use. */
static HPDF_ExtGState alpha_gs(struct pdf *p, int stroke, int milli)
{
	for (size_t i = 0; i < p->n_gs; i++)
		if (p->gs[i].stroke == stroke && p->gs[i].milli == milli)
			return p->gs[i].gs;
	HPDF_ExtGState gs = HPDF_CreateExtGState(p->doc);
	if (!gs)
		return NULL;
	if (stroke)
		HPDF_ExtGState_SetAlphaStroke(gs, (HPDF_REAL)(milli / 1000.0));
	else
		HPDF_ExtGState_SetAlphaFill(gs, (HPDF_REAL)(milli / 1000.0));
	XGROW(p->gs, p->cap_gs, p->n_gs + 1);
	p->gs[p->n_gs].stroke = stroke;
	p->gs[p->n_gs].milli = milli;
	p->gs[p->n_gs].gs = gs;
	p->n_gs++;
	return gs;
}

static void set_alpha(struct pdf *p, int stroke, double a)
{
	int milli = (int)lround(a * 1000);
	int *now = stroke ? &cur(p)->stroke_milli : &cur(p)->fill_milli;

	if (*now == milli)
		return;
	HPDF_ExtGState gs = alpha_gs(p, stroke, milli);
	if (gs && HPDF_Page_SetExtGState(p->page, gs) == HPDF_OK)
		*now = milli;
}

static void pdf_set_stroke(void *self, const struct canvas_color *c)
{
	struct pdf *p = self;
	HPDF_Page_SetRGBStroke(p->page, (HPDF_REAL)c->r, (HPDF_REAL)c->g, (HPDF_REAL)c->b);
	set_alpha(p, 1, c->a);
}

static void pdf_set_fill(void *self, const struct canvas_color *c)
{
	struct pdf *p = self;
	HPDF_Page_SetRGBFill(p->page, (HPDF_REAL)c->r, (HPDF_REAL)c->g, (HPDF_REAL)c->b);
	set_alpha(p, 0, c->a);
}

static void pdf_set_line_width(void *self, double w)
{
	struct pdf *p = self;
	HPDF_Page_SetLineWidth(p->page, (HPDF_REAL)w);
}

/* libharu 2.3 takes whole points, each at least 1. */
static HPDF_UINT16 dash_units(double v)
{
	long r = lround(v);
	return (HPDF_UINT16)(r < 1 ? 1 : r);
}

static void pdf_set_dash(void *self, const double *dash, size_t n, double phase)
{
	struct pdf *p = self;
	HPDF_UINT16 d[CANVAS_MAX_DASH];

	for (size_t i = 0; i < n; i++)
		d[i] = dash_units(dash[i]);
	HPDF_Page_SetDash(p->page, n ? d : NULL, (HPDF_UINT)n,
			  n ? (HPDF_UINT)lround(phase) : 0);
}

static void pdf_set_line_cap(void *self, enum canvas_line_cap cap)
{
	static const HPDF_LineCap caps[] = {
		[CANVAS_LINECAP_BUTT] = HPDF_BUTT_END,
		[CANVAS_LINECAP_ROUND] = HPDF_ROUND_END,
		[CANVAS_LINECAP_SQUARE] = HPDF_PROJECTING_SCUARE_END,
	};
	struct pdf *p = self;
	HPDF_Page_SetLineCap(p->page, caps[cap]);
}

static void pdf_set_line_join(void *self, enum canvas_line_join join)
{
	static const HPDF_LineJoin joins[] = {
		[CANVAS_LINEJOIN_MITER] = HPDF_MITER_JOIN,
		[CANVAS_LINEJOIN_ROUND] = HPDF_ROUND_JOIN,
		[CANVAS_LINEJOIN_BEVEL] = HPDF_BEVEL_JOIN,
	};
	struct pdf *p = self;
	HPDF_Page_SetLineJoin(p->page, joins[join]);
}

static void pdf_set_font(void *self, enum canvas_face face, double size)
{
	struct pdf *p = self;
	cur(p)->face = face;
	cur(p)->size = size;
}

/* ---- paths --------------------------------------------------------------- */

static void pdf_move_to(void *self, double x, double y)
{
	struct pdf *p = self;
	HPDF_Page_MoveTo(p->page, (HPDF_REAL)x, (HPDF_REAL)flip(p, y));
}

static void pdf_line_to(void *self, double x, double y)
{
	struct pdf *p = self;
	HPDF_Page_LineTo(p->page, (HPDF_REAL)x, (HPDF_REAL)flip(p, y));
}

static void pdf_curve_to(void *self, double x1, double y1, double x2, double y2,
			 double x3, double y3)
{
	struct pdf *p = self;
	HPDF_Page_CurveTo(p->page, (HPDF_REAL)x1, (HPDF_REAL)flip(p, y1), (HPDF_REAL)x2,
			  (HPDF_REAL)flip(p, y2), (HPDF_REAL)x3, (HPDF_REAL)flip(p, y3));
}

static void pdf_close_path(void *self)
{
	struct pdf *p = self;
	HPDF_Page_ClosePath(p->page);
}

static void pdf_rect(void *self, double x, double y, double w, double h)
{
	struct pdf *p = self;
	HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)flip(p, y + h), (HPDF_REAL)w,
			    (HPDF_REAL)h);
}

static void pdf_polyline(void *self, const double *xy, size_t n)
{
	struct pdf *p = self;

	if (HPDF_Page_MoveTo(p->page, (HPDF_REAL)xy[0], (HPDF_REAL)flip(p, xy[1])) != HPDF_OK)
		return;
	for (size_t i = 1; i < n; i++)
		if (HPDF_Page_LineTo(p->page, (HPDF_REAL)xy[2 * i],
				     (HPDF_REAL)flip(p, xy[2 * i + 1])) != HPDF_OK)
			return;
}

static void pdf_stroke(void *self)
{
	struct pdf *p = self;
	HPDF_Page_Stroke(p->page);
}

static void pdf_fill(void *self)
{
	struct pdf *p = self;
	HPDF_Page_Fill(p->page);
}

static void pdf_fill_stroke(void *self)
{
	struct pdf *p = self;
	HPDF_Page_FillStroke(p->page);
}

static void pdf_clip(void *self)
{
	struct pdf *p = self;
	HPDF_Page_Clip(p->page);
	HPDF_Page_EndPath(p->page);
}

/* ---- text ---------------------------------------------------------------- */

/* Decodes the (valid, BMP-only) UTF-8 the front end passes. */
static HPDF_UINT16 next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*p = s + 2;
		return (HPDF_UINT16)(((s[0] & 0x1f) << 6) | (s[1] & 0x3f));
	}
	*p = s + 3;
	return (HPDF_UINT16)(((s[0] & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f));
}

static int load_face(struct pdf *p, enum canvas_face face, struct err *e);

/* The font definition of a face, read on first need (see load_fonts());
 * NULL once the canvas has failed. */
static HPDF_FontDef face_def(struct pdf *p, enum canvas_face face)
{
	if (!p->font_def[face] && !canvas_failed(p->canvas))
		(void)load_face(p, face, NULL);
	return p->font_def[face];
}

/* What HPDF_Font_TextWidth computes, without making the font. */
static double pdf_text_width(void *self, enum canvas_face face, double size,
			     const char *utf8)
{
	struct pdf *p = self;
	const unsigned char *s = (const unsigned char *)utf8;
	HPDF_FontDef def = face_def(p, face);
	long units = 0;

	if (!def)
		return 0;
	while (*s)
		units += HPDF_TTFontDef_GetCharWidth(def, next_cp(&s));
	return (double)units * size / 1000.0;
}

static struct canvas_font_metrics pdf_font_metrics(void *self, enum canvas_face face,
						   double size)
{
	struct pdf *p = self;
	HPDF_FontDef def = face_def(p, face);
	struct canvas_font_metrics m = { 0, 0 };

	if (def) {
		m.ascent = def->ascent * size / 1000.0;
		m.descent = -def->descent * size / 1000.0;
	}
	return m;
}

/* HPDF_GetFont with a cmap that maps every code to glyph 0 (see the top of
 * this file): /W and the CIDToGIDMap come out empty; embed_face() fills them. */
static HPDF_Font get_font_fast(struct pdf *p, enum canvas_face face)
{
	HPDF_FontDef def = p->font_def[face];
	HPDF_TTF_CmapRange *cm = &((HPDF_TTFontDefAttr)def->attr)->cmap;
	HPDF_TTF_CmapRange saved = *cm;
	HPDF_Font font;

	if (!p->no_glyphs)
		p->no_glyphs = xcalloc(65536, sizeof(*p->no_glyphs));
	p->one_seg.end = 0xffff;
	p->one_seg.start = 0;
	p->one_seg.delta = 0;
	p->one_seg.range_offset = 2;    /* glyph_id_array index = code point */
	cm->seg_count_x2 = 2;
	cm->end_count = &p->one_seg.end;
	cm->start_count = &p->one_seg.start;
	cm->id_delta = &p->one_seg.delta;
	cm->id_range_offset = &p->one_seg.range_offset;
	cm->glyph_id_array = p->no_glyphs;
	cm->glyph_id_array_count = 65536;
	font = HPDF_GetFont(p->doc, p->font_name[face], "UTF-8");
	*cm = saved;
	return font;
}

/* The PDF font of a face, made (and its ToUnicode fixed) on first use. */
static HPDF_Font use_font(struct pdf *p, enum canvas_face face)
{
	if (p->font[face])
		return p->font[face];
	p->font[face] = get_font_fast(p, face);
	if (p->font[face])
		fix_tounicode(p->font[face]);
	return p->font[face];
}

static void pdf_text(void *self, double x, double y, double angle_deg,
		     enum canvas_align align, const char *utf8)
{
	struct pdf *p = self;
	struct pdf_state *s = cur(p);
	double off = canvas_align_offset(align, pdf_text_width(p, s->face, s->size, utf8));
	double rad = angle_deg * PI / 180, c = cos(rad), sn = sin(rad);
	HPDF_Font font = p->font_def[s->face] ? use_font(p, s->face) : NULL;

	if (!font || HPDF_Page_BeginText(p->page) != HPDF_OK)
		return;
	if (!p->drawn[s->face])
		p->drawn[s->face] = xcalloc(65536 / 8, 1);
	for (const unsigned char *u = (const unsigned char *)utf8; *u;) {
		HPDF_UINT16 cid = next_cp(&u);     /* the code, and the CID (Identity) */
		p->drawn[s->face][cid >> 3] |= (unsigned char)(1u << (cid & 7));
		if (cid > p->max_cid[s->face])
			p->max_cid[s->face] = cid;
	}
	HPDF_Page_SetFontAndSize(p->page, font, (HPDF_REAL)s->size);
	HPDF_Page_SetTextMatrix(p->page, (HPDF_REAL)c, (HPDF_REAL)sn, (HPDF_REAL)-sn,
				(HPDF_REAL)c, (HPDF_REAL)(x + off * c),
				(HPDF_REAL)(flip(p, y) + off * sn));
	HPDF_Page_ShowText(p->page, utf8);
	HPDF_Page_EndText(p->page);
}

/* ---- images -------------------------------------------------------------- */

static uint64_t image_hash(const struct canvas_image *img)
{
	uint64_t h = 14695981039346656037ull;
	for (int r = 0; r < img->height_px; r++) {
		const unsigned char *row = img->rgb + (size_t)r * img->stride;
		for (size_t i = 0; i < 3 * (size_t)img->width_px; i++) {
			h ^= row[i];
			h *= 1099511628211ull;
		}
	}
	return h;
}

/* Each distinct picture becomes one XObject, however often it is drawn. */
static HPDF_Image load_image(struct pdf *p, const struct canvas_image *img)
{
	uint64_t hash = image_hash(img);
	size_t row = 3 * (size_t)img->width_px;
	unsigned char *packed = NULL;
	const unsigned char *data = img->rgb;
	HPDF_Image im;

	for (size_t i = 0; i < p->n_images; i++)
		if (p->images[i].hash == hash && p->images[i].w == img->width_px &&
		    p->images[i].h == img->height_px)
			return p->images[i].img;
	if (img->stride != row) {
		packed = xmalloc(row * (size_t)img->height_px);
		for (int r = 0; r < img->height_px; r++)
			memcpy(packed + (size_t)r * row, img->rgb + (size_t)r * img->stride, row);
		data = packed;
	}
	im = HPDF_LoadRawImageFromMem(p->doc, data, (HPDF_UINT)img->width_px,
				      (HPDF_UINT)img->height_px, HPDF_CS_DEVICE_RGB, 8);
	free(packed);
	if (!im)
		return NULL;
	XGROW(p->images, p->cap_images, p->n_images + 1);
	p->images[p->n_images].hash = hash;
	p->images[p->n_images].w = img->width_px;
	p->images[p->n_images].h = img->height_px;
	p->images[p->n_images].img = im;
	p->n_images++;
	return im;
}

static void pdf_image(void *self, double x, double y, double w, double h,
		      const struct canvas_image *img)
{
	struct pdf *p = self;
	HPDF_Image im = load_image(p, img);

	if (im)
		HPDF_Page_DrawImage(p->page, im, (HPDF_REAL)x, (HPDF_REAL)flip(p, y + h),
				    (HPDF_REAL)w, (HPDF_REAL)h);
}

/* ---- document extras ----------------------------------------------------- */

static int to_hpdf_date(int64_t epoch_s, HPDF_Date *d)
{
	time_t t = (time_t)epoch_s;
	struct tm tm;

	if ((int64_t)t != epoch_s || !gmtime_r(&t, &tm) || tm.tm_year + 1900 < 1 ||
	    tm.tm_year + 1900 > 9999)
		return -1;
	memset(d, 0, sizeof(*d));
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
	d->hour = tm.tm_hour;
	d->minutes = tm.tm_min;
	d->seconds = tm.tm_sec;
	d->ind = 'Z';
	return 0;
}

static void pdf_set_metadata(void *self, const struct canvas_metadata *md)
{
	struct pdf *p = self;
	const struct { HPDF_InfoType type; const char *value; } f[] = {
		{ HPDF_INFO_TITLE, md->title }, { HPDF_INFO_SUBJECT, md->subject },
		{ HPDF_INFO_AUTHOR, md->author }, { HPDF_INFO_KEYWORDS, md->keywords },
		{ HPDF_INFO_CREATOR, md->creator },
	};
	HPDF_Date date;

	/* With the UTF-8 encoder current, libharu writes these as UTF-16BE. */
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].value && *f[i].value)
			HPDF_SetInfoAttr(p->doc, f[i].type, f[i].value);
	if (to_hpdf_date(md->created_s, &date) < 0) {
		canvas_latch(p->canvas, ERR_INTERNAL,
			     "cannot make PDF '%s': creation time %lld is outside years 1-9999",
			     p->path, (long long)md->created_s);
		return;
	}
	HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, date);
	HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_MOD_DATE, date);
}

static void pdf_outline(void *self, unsigned level, const char *title, double y)
{
	struct pdf *p = self;
	HPDF_Outline parent, o;
	HPDF_Destination dst;

	if (level > p->outline_levels)
		level = p->outline_levels;
	parent = level ? p->outline_last[level - 1] : NULL;
	o = HPDF_CreateOutline(p->doc, parent, title, p->utf8);
	if (!o)
		return;
	dst = HPDF_Page_CreateDestination(p->page);
	if (!dst)
		return;
	HPDF_Destination_SetFitH(dst, (HPDF_REAL)flip(p, y));
	HPDF_Outline_SetDestination(o, dst);
	p->outline_last[level] = o;
	p->outline_levels = level + 1;
}

static void pdf_link(void *self, double x, double y, double w, double h,
		     unsigned target_page, double target_y)
{
	struct pdf *p = self;
	struct pdf_link *l;
	double x0 = w < 0 ? x + w : x, x1 = w < 0 ? x : x + w;
	double y0 = h < 0 ? y + h : y, y1 = h < 0 ? y : y + h;

	XGROW(p->links, p->cap_links, p->n_links + 1);
	l = &p->links[p->n_links++];
	l->from = p->n_pages - 1;
	l->rect.left = (HPDF_REAL)x0;
	l->rect.right = (HPDF_REAL)x1;
	l->rect.bottom = (HPDF_REAL)flip(p, y1);
	l->rect.top = (HPDF_REAL)flip(p, y0);
	l->target = target_page;
	l->target_y = target_y;
}

/* Links may point forwards, so they are made once every page exists. */
static int make_links(struct pdf *p, struct err *e)
{
	for (size_t i = 0; i < p->n_links; i++) {
		const struct pdf_link *l = &p->links[i];
		HPDF_Destination dst;
		HPDF_Annotation a;

		if (l->target >= p->n_pages)
			return err_set(e, ERR_INTERNAL,
				       "cannot make PDF '%s': a link on page %zu points to page %u "
				       "but the document has %zu pages", p->path, l->from + 1,
				       l->target + 1, p->n_pages);
		dst = HPDF_Page_CreateDestination(p->pages[l->target].page);
		if (!dst)
			return -1;
		HPDF_Destination_SetFitH(dst, (HPDF_REAL)(p->pages[l->target].h - l->target_y));
		a = HPDF_Page_CreateLinkAnnot(p->pages[l->from].page, l->rect, dst);
		if (!a)
			return -1;
		HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
	}
	return 0;
}

/* ---- the fonts: widths, glyph map, program (see the top of this file) --- */

/* The whole of file path, malloc'd into *len bytes; NULL when it cannot be read. */
static unsigned char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* /W for the codes drawn: [first [w w ...] ...] over runs of consecutive
 * codes whose width is not /DW, as CIDFontType2_New writes it. */
static void write_widths(HPDF_Font font, HPDF_FontDef def, const uint16_t *codes,
			 const uint16_t *glyphs, size_t n)
{
	HPDF_FontAttr attr = font->attr;
	HPDF_Array w = HPDF_Dict_GetItem(attr->descendant_font, "W", HPDF_OCLASS_ARRAY), run = NULL;

	if (!w) {
		w = HPDF_Array_New(font->mmgr);
		if (!w || HPDF_Dict_Add(attr->descendant_font, "W", w) != HPDF_OK)
			return;     /* on_error has latched it */
	}
	HPDF_Array_Clear(w);
	for (size_t i = 0; i < n; i++) {
		HPDF_INT16 gw = HPDF_TTFontDef_GetGidWidth(def, glyphs[i]);
		if (gw == def->missing_width) {
			run = NULL;
			continue;
		}
		if (!run || codes[i] != codes[i - 1] + 1) {
			run = HPDF_Array_New(font->mmgr);
			if (HPDF_Array_AddNumber(w, codes[i]) != HPDF_OK || !run ||
			    HPDF_Array_Add(w, run) != HPDF_OK)
				return;
		}
		HPDF_Array_AddNumber(run, gw);
	}
}

/* The CIDToGIDMap: each code drawn -> its glyph in the subset, up to the
 * highest (a reader maps a CID past the end to glyph 0). */
static void write_cid_map(struct pdf *p, enum canvas_face face, const uint16_t *codes,
			  const uint16_t *glyphs, size_t n, const struct ttf_subset *sub)
{
	HPDF_FontAttr attr = p->font[face]->attr;
	size_t len = 2 * ((size_t)p->max_cid[face] + 1);
	unsigned char *map;

	if (!attr->map_stream || !attr->map_stream->stream)
		return;
	map = xcalloc(len, 1);
	for (size_t i = 0; i < n; i++) {
		uint16_t g = glyphs[i] < sub->n_glyphs_in ? sub->gid[glyphs[i]] : 0;
		map[2 * codes[i]] = (unsigned char)(g >> 8);
		map[2 * codes[i] + 1] = (unsigned char)g;
	}
	HPDF_MemStream_FreeData(attr->map_stream->stream);
	HPDF_Stream_Write(attr->map_stream->stream, map, (HPDF_UINT)len);
	free(map);
}

/*
 * Finishes the font of a face that drew text (see the top of this file):
 * its /W and CIDToGIDMap for the codes drawn, its descriptor made by libharu
 * without a font program, and the subset of the drawn glyphs as that program.
 */
static void embed_face(struct pdf *p, enum canvas_face face)
{
	HPDF_Font font = p->font[face];
	HPDF_FontDef def = p->font_def[face];
	const char *path = font_set_path(p->fonts, face);
	uint16_t *codes, *glyphs;
	unsigned char *file;
	struct ttf_subset sub;
	const char *why;
	size_t n = 0, len;
	HPDF_Dict ff;

	if (!font || !def || def->descriptor || !p->drawn[face] || canvas_failed(p->canvas))
		return;
	codes = xmalloc(((size_t)p->max_cid[face] + 1) * sizeof(*codes));
	glyphs = xmalloc(((size_t)p->max_cid[face] + 1) * sizeof(*glyphs));
	for (unsigned c = 0; c <= p->max_cid[face]; c++)
		if (p->drawn[face][c >> 3] & (1u << (c & 7))) {
			codes[n] = (uint16_t)c;
			glyphs[n++] = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)c);
		}
	file = read_whole(path, &len);
	why = file ? ttf_subset_make(file, len, codes, glyphs, n, &sub) : strerror(errno);
	free(file);
	if (why) {
		canvas_latch(p->canvas, ERR_IO, "cannot embed font '%s' in PDF '%s': %s", path,
			     p->path, why);
		goto out;
	}
	write_widths(font, def, codes, glyphs, n);
	write_cid_map(p, face, codes, glyphs, n, &sub);

	HPDF_TTFontDefAttr a = def->attr;
	HPDF_BOOL embedding = a->embedding;
	a->embedding = HPDF_FALSE;
	HPDF_STATUS st = font->before_write_fn(font);
	a->embedding = embedding;
	ff = st == HPDF_OK && def->descriptor ?
	     HPDF_DictStream_New(font->mmgr, ((HPDF_FontAttr)font->attr)->xref) : NULL;
	if (ff && HPDF_Stream_Write(ff->stream, sub.data, (HPDF_UINT)sub.len) == HPDF_OK &&
	    HPDF_Dict_Add(def->descriptor, "FontFile2", ff) == HPDF_OK &&
	    HPDF_Dict_AddNumber(ff, "Length1", (HPDF_INT32)sub.len) == HPDF_OK &&
	    HPDF_Dict_AddNumber(ff, "Length2", 0) == HPDF_OK)
		HPDF_Dict_AddNumber(ff, "Length3", 0);
	if (ff)
		ff->filter = font->filter;
	ttf_subset_free(&sub);     /* a libharu failure above has been latched */
out:
	free(codes);
	free(glyphs);
}

/* ---- finishing ----------------------------------------------------------- */

static int pdf_finish(void *self, struct err *e)
{
	struct pdf *p = self;
	HPDF_UINT32 size, got;
	unsigned char *buf;
	int rc;

	if (make_links(p, e) < 0)
		return -1;
	if (p->outline_levels)
		HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE);
	for (int f = 0; f < CANVAS_FACE_COUNT; f++)
		embed_face(p, f);
	if (canvas_failed(p->canvas) || HPDF_SaveToStream(p->doc) != HPDF_OK || canvas_failed(p->canvas))
		return -1;
	size = HPDF_GetStreamSize(p->doc);
	if (!size)
		return err_set(e, ERR_INTERNAL, "cannot make PDF '%s': libharu wrote nothing",
			       p->path);
	buf = xmalloc(size);
	got = size;
	if (HPDF_ReadFromStream(p->doc, buf, &got) != HPDF_OK || got != size) {
		free(buf);
		if (!canvas_failed(p->canvas))
			err_set(e, ERR_INTERNAL, "cannot make PDF '%s': short read from libharu",
				p->path);
		return -1;
	}
	rc = canvas_write_file(p->path, buf, size, e);
	free(buf);
	return rc;
}

static void pdf_free(void *self)
{
	struct pdf *p = self;

	if (!p)
		return;
	if (p->doc)
		HPDF_Free(p->doc);
	font_set_free(p->owned_fonts);
	free(p->path);
	free(p->pages);
	free(p->gs);
	free(p->images);
	free(p->links);
	free(p->no_glyphs);
	for (int f = 0; f < CANVAS_FACE_COUNT; f++)
		free(p->drawn[f]);
	free(p);
}

static int pdf_has_glyph(void *self, enum canvas_face face, uint32_t cp)
{
	struct pdf *p = self;
	return font_set_has_char(p->fonts, face, cp);
}

static const struct canvas_ops pdf_ops = {
	.name = "pdf",
	.begin_page = pdf_begin_page,
	.end_page = pdf_end_page,
	.save = pdf_save,
	.restore = pdf_restore,
	.set_stroke = pdf_set_stroke,
	.set_fill = pdf_set_fill,
	.set_line_width = pdf_set_line_width,
	.set_dash = pdf_set_dash,
	.set_line_cap = pdf_set_line_cap,
	.set_line_join = pdf_set_line_join,
	.set_font = pdf_set_font,
	.move_to = pdf_move_to,
	.line_to = pdf_line_to,
	.curve_to = pdf_curve_to,
	.close_path = pdf_close_path,
	.stroke = pdf_stroke,
	.fill = pdf_fill,
	.fill_stroke = pdf_fill_stroke,
	.clip = pdf_clip,
	.text_width = pdf_text_width,
	.font_metrics = pdf_font_metrics,
	.text = pdf_text,
	.image = pdf_image,
	.finish = pdf_finish,
	.free = pdf_free,
	.rect = pdf_rect,
	.polyline = pdf_polyline,
	.has_glyph = pdf_has_glyph,
	.set_metadata = pdf_set_metadata,
	.outline = pdf_outline,
	.link = pdf_link,
};

/*
 * Reads one face's file into libharu (to embed, once drawn with). The error
 * goes to e, or with e NULL (the canvas exists) is latched into the canvas.
 */
static int load_face(struct pdf *p, enum canvas_face face, struct err *e)
{
	const char *file = font_set_path(p->fonts, face);

	p->quiet_errors = 1;
	p->font_name[face] = HPDF_LoadTTFontFromFile(p->doc, file, HPDF_TRUE);
	if (p->font_name[face])
		p->font_def[face] = HPDF_GetFontDef(p->doc, p->font_name[face]);
	p->quiet_errors = 0;
	if (p->font_name[face] && p->font_def[face])
		return 0;
	p->font_def[face] = NULL;
	if (e)
		return err_set(e, ERR_IO, "cannot load font '%s' into the PDF: libharu error "
			       "0x%04X (%s)", file, (unsigned)p->first_error,
			       hpdf_error_text(p->first_error));
	canvas_latch(p->canvas, ERR_IO, "cannot load font '%s' into the PDF: libharu error "
		     "0x%04X (%s)", file, (unsigned)p->first_error,
		     hpdf_error_text(p->first_error));
	return -1;
}

/*
 * Reads the regular and bold faces now, so that a bad file fails early; the
 * mono face, which most documents never use, when first measured or drawn
 * (a bad file then fails the canvas, with the same message). Faces are read
 * in the same order either way, so libharu's subset tags (HPDFAA+, ...) and
 * the bytes written do not change.
 */
static int load_fonts(struct pdf *p, struct err *e)
{
	for (int f = 0; f < CANVAS_FACE_COUNT; f++)
		if (f != CANVAS_FACE_MONO && load_face(p, f, e) < 0)
			return -1;
	return 0;
}

int canvas_pdf_new(struct canvas **out, const char *path, const struct font_set *fonts,
		   struct err *e)
{
	struct pdf *p = xcalloc(1, sizeof(*p));

	*out = NULL;
	p->path = xstrdup(path);
	if (!fonts) {
		if (font_set_find(&p->owned_fonts, NULL, e) < 0)
			goto fail;
		fonts = p->owned_fonts;
	}
	p->fonts = fonts;
	p->doc = HPDF_New(on_error, p);
	if (!p->doc) {
		err_set(e, ERR_INTERNAL, "cannot make PDF '%s': libharu cannot start", path);
		goto fail;
	}
	if (HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL) != HPDF_OK ||
	    HPDF_UseUTFEncodings(p->doc) != HPDF_OK ||
	    HPDF_SetCurrentEncoder(p->doc, "UTF-8") != HPDF_OK ||
	    !(p->utf8 = HPDF_GetEncoder(p->doc, "UTF-8"))) {
		err_set(e, ERR_INTERNAL, "cannot make PDF '%s': libharu error 0x%04X (%s) "
			"setting up UTF-8", path, (unsigned)p->first_error,
			hpdf_error_text(p->first_error));
		goto fail;
	}
	if (load_fonts(p, e) < 0)
		goto fail;
	*out = canvas_new_backend(&pdf_ops, p, CANVAS_CAP_MULTIPAGE | CANVAS_CAP_OUTLINE |
				  CANVAS_CAP_LINK | CANVAS_CAP_METADATA);
	p->canvas = *out;
	return 0;
fail:
	pdf_free(p);
	return -1;
}
