#ifndef VMPM_TTF_SUBSET_H
#define VMPM_TTF_SUBSET_H
/*
 * A TrueType font cut down to the glyphs a document draws, to embed in a
 * PDF as a CIDFontType2 program (PDF 1.7, 9.9).
 *
 * The subset keeps glyph 0 (.notdef), the glyphs of the codes given, and
 * every glyph their composites are built from, numbered 0..n-1 in the order
 * of the original; outlines and hinting instructions are copied unchanged
 * (composite references renumbered), so a reader draws the same pixels.
 * Its tables: OS/2, cmap (Windows Unicode BMP, the codes given -> their new
 * glyphs), cvt, fpgm, glyf, head, hhea, hmtx, loca (long), maxp, name (ids
 * 0-6 only: no licence text), post (version 3: no glyph names), prep;
 * checksums and head.checkSumAdjustment as the format wants. What a PDF
 * does not use (kern, GPOS, GSUB, ...) is left out. DejaVu Sans drawn with
 * a report's hundred-odd characters: 760 KB -> some 15 KB.
 *
 *   struct ttf_subset s;
 *   const char *why = ttf_subset_make(file, file_len, codes, glyphs, n, &s);
 *   if (why) ... "cannot subset: <why>" ...
 *   write(s.data, s.len); ... s.gid[old glyph] is its glyph in the subset
 *   ttf_subset_free(&s);
 */
#include <stddef.h>
#include <stdint.h>

struct ttf_subset {
	unsigned char *data;   /* the font program */
	size_t len;
	uint16_t *gid;         /* [glyph of the original] -> glyph of the subset, 0: left
				* out; n_glyphs_in entries (a glyph past them: left out) */
	size_t n_glyphs_in;    /* glyphs of the original (entries of gid) */
	size_t n_glyphs;       /* glyphs of the subset */
};

/*
 * Subsets font[0..len) (a TrueType file, not a collection, not CFF) for
 * codes[i] (Unicode BMP, increasing) drawn with glyphs[i] of the original
 * (a glyph the font does not have is left out, as .notdef).
 * NULL and *out filled, or what is wrong with the file (nothing allocated).
 */
const char *ttf_subset_make(const unsigned char *font, size_t len, const uint16_t *codes,
			    const uint16_t *glyphs, size_t n, struct ttf_subset *out);
void ttf_subset_free(struct ttf_subset *s);

#endif
