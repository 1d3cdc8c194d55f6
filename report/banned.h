#ifndef VMPM_BANNED_H
#define VMPM_BANNED_H
/*
 * Calls we never make. Included into every translation unit by the build
 * (-include), so writing one fails to compile with a message naming it.
 *
 * - sprintf, strcpy, strcat, strncpy, strncat: unbounded or easy to misuse;
 *   use snprintf or struct strbuf.
 * - strtok: hidden global state.
 * - gmtime, localtime, ctime, asctime, mktime: global state and the process
 *   zone. Time is core data here: use the functions of report/tstamp.h and
 *   report/tz.h, which take the zone explicitly.
 *
 * System headers are included first so that their own declarations of these
 * names are not rewritten.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef localtime_r
#define localtime_r(t, tm) BANNED(localtime_r)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef mktime
#define mktime(t) BANNED(mktime)

#endif
