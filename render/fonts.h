#ifndef VMPM_FONTS_H
#define VMPM_FONTS_H
/*
 * struct font_set: the font files of the three report faces (DejaVu Sans,
 * DejaVu Sans Bold, DejaVu Sans Mono) and which characters each one has.
 *
 * Found through fontconfig ("DejaVu Sans:style=Book" and so on), accepting a
 * match only when it really is that family and weight in a TrueType file
 * (libharu embeds nothing else); otherwise the Debian folder
 * /usr/share/fonts/truetype/dejavu/ is tried. The coverage of each file comes
 * from fontconfig's scan of the file itself (as kept in its cache when the
 * file came from a match, else scanned here), so it is right whichever way
 * the file was found.
 *
 *   struct font_set *fs;
 *   if (font_set_find(&fs, NULL, &e) < 0)
 *           return -1;      // ERR_IO: cannot find font 'DejaVu Sans Bold' ...
 *   puts(font_set_path(fs, CANVAS_FACE_BOLD));
 *   if (!font_set_has_char(fs, CANVAS_FACE_REGULAR, 0x1F600))
 *           ...             // no emoji in DejaVu Sans
 *   font_set_free(fs);
 *
 * A font set is read-only once found, so one may serve several canvases.
 */
#include <stdint.h>

#include "render/canvas.h"

/*
 * dir NULL: fontconfig, then the Debian folder. dir given: only the files
 * DejaVuSans.ttf, DejaVuSans-Bold.ttf and DejaVuSansMono.ttf in dir.
 */
int font_set_find(struct font_set **out, const char *dir, struct err *e);
/* Borrowed from the set: the file of a face. */
const char *font_set_path(const struct font_set *fs, enum canvas_face face);
/* Whether the face's file has a glyph for the code point. */
int font_set_has_char(const struct font_set *fs, enum canvas_face face, uint32_t cp);
void font_set_free(struct font_set *fs);

#endif
