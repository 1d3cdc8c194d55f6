#include "render/fonts.h"

#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "report/strbuf.h"
#include "report/xalloc.h"

struct font_set {
	char *path[CANVAS_FACE_COUNT];
	FcCharSet *charset[CANVAS_FACE_COUNT];
};

static const struct face_want {
	const char *pattern;    /* what we ask fontconfig for */
	const char *family;     /* what the match must be */
	int bold;
	const char *file;       /* the file in a given or the Debian folder */
} faces[CANVAS_FACE_COUNT] = {
	[CANVAS_FACE_REGULAR] = { "DejaVu Sans:style=Book", "DejaVu Sans", 0,
				  "DejaVuSans.ttf" },
	[CANVAS_FACE_BOLD] = { "DejaVu Sans:style=Bold", "DejaVu Sans", 1,
			       "DejaVuSans-Bold.ttf" },
	[CANVAS_FACE_MONO] = { "DejaVu Sans Mono:style=Book", "DejaVu Sans Mono", 0,
			       "DejaVuSansMono.ttf" },
};

static const char debian_dir[] = "/usr/share/fonts/truetype/dejavu";

static int ends_with_ttf(const char *s)
{
	size_t n = strlen(s);
	return n > 4 && strcasecmp(s + n - 4, ".ttf") == 0;
}

/*
 * The file fontconfig lists for exactly this family and style, if it has the
 * weight we want, and in *charset its coverage from fontconfig's cache (the
 * same FcFreeTypeQuery scan of the file that scan_charset() would redo).
 * FcFontList matches the pattern against the cached fonts as it is, without
 * running the configuration's substitution rules as FcFontMatch must: we
 * name the one family we embed, so there is nothing to substitute, and the
 * rules cost a tenth of a short report. Among several copies of the font
 * the first path in byte order is taken, so the choice never depends on
 * the cache's order.
 */
static char *match_fontconfig(const struct face_want *w, FcCharSet **charset)
{
	FcPattern *pat = FcNameParse((const FcChar8 *)w->pattern);
	FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, FC_WEIGHT, FC_FILE, FC_CHARSET, (char *)0);
	FcFontSet *set = NULL;
	FcPattern *best = NULL;
	const char *best_path = NULL;
	char *path = NULL;
	FcCharSet *cs;

	*charset = NULL;
	if (!pat || !os)
		goto cleanup;
	set = FcFontList(NULL, pat, os);
	for (int f = 0; set && f < set->nfont; f++) {
		FcPattern *font = set->fonts[f];
		FcChar8 *s;
		int weight, ok = 0;
		/* Any of the family names given may be the one (fonts list several). */
		for (int i = 0; FcPatternGetString(font, FC_FAMILY, i, &s) == FcResultMatch; i++)
			if (strcasecmp((const char *)s, w->family) == 0)
				ok = 1;
		if (!ok || FcPatternGetInteger(font, FC_WEIGHT, 0, &weight) != FcResultMatch ||
		    (weight >= FC_WEIGHT_BOLD) != w->bold ||
		    FcPatternGetString(font, FC_FILE, 0, &s) != FcResultMatch ||
		    !ends_with_ttf((const char *)s) || access((const char *)s, R_OK) != 0)
			continue;
		if (!best_path || strcmp((const char *)s, best_path) < 0) {
			best = font;
			best_path = (const char *)s;
		}
	}
	if (best) {
		path = xstrdup(best_path);
		if (FcPatternGetCharSet(best, FC_CHARSET, 0, &cs) == FcResultMatch)
			*charset = FcCharSetCopy(cs);
	}
cleanup:
	if (set)
		FcFontSetDestroy(set);
	if (os)
		FcObjectSetDestroy(os);
	if (pat)
		FcPatternDestroy(pat);
	return path;
}

static char *in_dir(const char *dir, const char *file)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s/%s", dir, file);
	if (access(sb.buf, R_OK) == 0)
		return strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return NULL;
}

/* Which characters the file has, from fontconfig's own scan of it. */
static FcCharSet *scan_charset(const char *path)
{
	int count = 0;
	FcCharSet *cs = NULL, *copy = NULL;
	FcPattern *pat = FcFreeTypeQuery((const FcChar8 *)path, 0, NULL, &count);

	if (!pat)
		return NULL;
	if (FcPatternGetCharSet(pat, FC_CHARSET, 0, &cs) == FcResultMatch)
		copy = FcCharSetCopy(cs);
	FcPatternDestroy(pat);
	return copy;
}

int font_set_find(struct font_set **out, const char *dir, struct err *e)
{
	struct font_set *fs = xcalloc(1, sizeof(*fs));

	*out = NULL;
	for (int f = 0; f < CANVAS_FACE_COUNT; f++) {
		const struct face_want *w = &faces[f];

		if (dir) {
			fs->path[f] = in_dir(dir, w->file);
		} else {
			fs->path[f] = match_fontconfig(w, &fs->charset[f]);
			if (!fs->path[f])
				fs->path[f] = in_dir(debian_dir, w->file);
		}
		if (!fs->path[f]) {
			err_set(e, ERR_IO,
				"cannot find font '%s': no TrueType match from fontconfig "
				"and no '%s' in '%s'; install fonts-dejavu-core", w->pattern,
				w->file, dir ? dir : debian_dir);
			goto fail;
		}
		if (!fs->charset[f])
			fs->charset[f] = scan_charset(fs->path[f]);
		if (!fs->charset[f]) {
			err_set(e, ERR_IO, "cannot read font '%s': not a font fontconfig can scan",
				fs->path[f]);
			goto fail;
		}
	}
	*out = fs;
	return 0;
fail:
	font_set_free(fs);
	return -1;
}

const char *font_set_path(const struct font_set *fs, enum canvas_face face)
{
	return fs->path[face];
}

int font_set_has_char(const struct font_set *fs, enum canvas_face face, uint32_t cp)
{
	return FcCharSetHasChar(fs->charset[face], cp) ? 1 : 0;
}

void font_set_free(struct font_set *fs)
{
	if (!fs)
		return;
	for (int f = 0; f < CANVAS_FACE_COUNT; f++) {
		free(fs->path[f]);
		if (fs->charset[f])
			FcCharSetDestroy(fs->charset[f]);
	}
	free(fs);
}
