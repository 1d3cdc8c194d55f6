/*
 * report/tz.c: zone names, fixed offsets, TZif v1 and v2+ files, the POSIX
 * TZ footer, DST gaps and overlaps, and corrupt files.
 *
 * The two large tables were computed once with Python's zoneinfo (an
 * independent reader of the same /usr/share/zoneinfo files) and pasted here:
 * they hold random instants from 1900 to 2100, and local times on and around
 * every transition of 1995, 2026 and 2077 (2077 is past the last transition
 * stored in the files, so it exercises the POSIX footer rules).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "report/err.h"
#include "report/tstamp.h"
#include "report/tz.h"

#ifndef VMPM_TEST_TMP
#define VMPM_TEST_TMP "/tmp"
#endif

static const struct {
	const char *zone;
	int64_t utc_s;
	int32_t offset_s;
	const char *abbr;
} lookups[] = {
	{ "Europe/Paris", -1697372775LL, 0, "WET" },
	{ "America/New_York", 2526800388LL, -18000, "EST" },
	{ "Australia/Lord_Howe", 3044978338LL, 37800, "+1030" },
	{ "Asia/Kolkata", 181413993LL, 19800, "IST" },
	{ "Pacific/Chatham", 1090041407LL, 45900, "+1245" },
	{ "America/Nuuk", 310099046LL, -10800, "-03" },
	{ "Europe/Dublin", -1178479773LL, 3600, "IST" },
	{ "America/Sao_Paulo", 428998508LL, -10800, "-03" },
	{ "Africa/Casablanca", -1733378955LL, 0, "+00" },
	{ "Australia/Sydney", 1298974509LL, 39600, "AEDT" },
	{ "America/Santiago", -277735982LL, -14400, "-04" },
	{ "Asia/Tehran", 733828577LL, 16200, "+0430" },
	{ "America/St_Johns", 708964497LL, -9000, "NDT" },
	{ "Europe/London", -1306080768LL, 3600, "BST" },
	{ "Europe/Paris", -1128748228LL, 0, "WET" },
	{ "America/New_York", 1782398604LL, -14400, "EDT" },
	{ "Australia/Lord_Howe", 1249043552LL, 37800, "+1030" },
	{ "Asia/Kolkata", 2413769970LL, 19800, "IST" },
	{ "Pacific/Chatham", -747005227LL, 45900, "+1245" },
	{ "America/Nuuk", -954334912LL, -10800, "-03" },
	{ "Europe/Dublin", -244265469LL, 3600, "IST" },
	{ "America/Sao_Paulo", 271025648LL, -10800, "-03" },
	{ "Africa/Casablanca", 2192232982LL, 3600, "+01" },
	{ "Australia/Sydney", 844141664LL, 36000, "AEST" },
	{ "America/Santiago", -647586787LL, -14400, "-04" },
	{ "Asia/Tehran", -395578455LL, 12600, "+0330" },
	{ "America/St_Johns", 3798696871LL, -9000, "NDT" },
	{ "Europe/London", -1708848692LL, 0, "GMT" },
	{ "Europe/Paris", -100027955LL, 3600, "CET" },
	{ "America/New_York", 3196843558LL, -14400, "EDT" },
	{ "Australia/Lord_Howe", 3889719369LL, 37800, "+1030" },
	{ "Asia/Kolkata", 2194968188LL, 19800, "IST" },
	{ "Pacific/Chatham", 3050305443LL, 45900, "+1245" },
	{ "America/Nuuk", 2640024350LL, -3600, "-01" },
	{ "Europe/Dublin", 2295949574LL, 3600, "IST" },
	{ "America/Sao_Paulo", 2526540702LL, -10800, "-03" },
	{ "Africa/Casablanca", 463810987LL, 3600, "+01" },
	{ "Australia/Sydney", -190180972LL, 36000, "AEST" },
	{ "America/Santiago", 3069213625LL, -14400, "-04" },
	{ "Asia/Tehran", 1596013843LL, 16200, "+0430" },
	{ "America/St_Johns", 4047903861LL, -9000, "NDT" },
	{ "Europe/London", 4102062059LL, 0, "GMT" },
	{ "Europe/Paris", 134483942LL, 3600, "CET" },
	{ "America/New_York", 195316943LL, -18000, "EST" },
	{ "Australia/Lord_Howe", 3407227604LL, 39600, "+11" },
	{ "Asia/Kolkata", 1589695434LL, 19800, "IST" },
	{ "Pacific/Chatham", -348980904LL, 45900, "+1245" },
	{ "America/Nuuk", 3350305813LL, -7200, "-02" },
	{ "Europe/Dublin", -1053488237LL, 3600, "IST" },
	{ "America/Sao_Paulo", -2066785579LL, -11188, "LMT" },
	{ "Africa/Casablanca", 4054050420LL, 3600, "+01" },
	{ "Australia/Sydney", -106527017LL, 36000, "AEST" },
	{ "America/Santiago", 1748865321LL, -14400, "-04" },
	{ "Asia/Tehran", 3203144656LL, 12600, "+0330" },
	{ "America/St_Johns", -123485240LL, -12600, "NST" },
	{ "Europe/London", 1339399411LL, 3600, "BST" },
	{ "Europe/Paris", 1261169860LL, 3600, "CET" },
	{ "America/New_York", 1687689981LL, -14400, "EDT" },
	{ "Australia/Lord_Howe", 1361859576LL, 39600, "+11" },
	{ "Asia/Kolkata", -848956889LL, 23400, "+0630" },
	{ "Pacific/Chatham", -1786475735LL, 44100, "+1215" },
	{ "America/Nuuk", 3663834LL, -10800, "-03" },
	{ "Europe/Dublin", 4031258090LL, 3600, "IST" },
	{ "America/Sao_Paulo", 1936806581LL, -10800, "-03" },
	{ "Africa/Casablanca", 1945394690LL, 3600, "+01" },
	{ "Australia/Sydney", 2362124080LL, 39600, "AEDT" },
	{ "America/Santiago", 3230441843LL, -14400, "-04" },
	{ "Asia/Tehran", -68287962LL, 12600, "+0330" },
	{ "America/St_Johns", -1793826316LL, -12652, "NST" },
	{ "Europe/London", -442422186LL, 0, "GMT" },
	{ "Europe/Paris", 4016114524LL, 7200, "CEST" },
	{ "America/New_York", -2148719459LL, -18000, "EST" },
	{ "Australia/Lord_Howe", -2208069808LL, 36000, "AEST" },
	{ "Asia/Kolkata", 2442742383LL, 19800, "IST" },
	{ "Pacific/Chatham", 1200229994LL, 49500, "+1345" },
	{ "America/Nuuk", -1144534362LL, -10800, "-03" },
	{ "Europe/Dublin", 458506586LL, 3600, "IST" },
	{ "America/Sao_Paulo", 1898575724LL, -10800, "-03" },
	{ "Africa/Casablanca", 520069866LL, 0, "+00" },
	{ "Australia/Sydney", -1544295757LL, 36000, "AEST" },
	{ "America/Santiago", 3432204779LL, -10800, "-03" },
	{ "Asia/Tehran", 2665217491LL, 12600, "+0330" },
	{ "America/St_Johns", -1251521744LL, -9052, "NDT" },
	{ "Europe/London", 316170740LL, 0, "GMT" },
};

static const struct {
	const char *zone;
	int64_t local_s;
	int rc;
	int64_t earlier, later;
} conversions[] = {
	{ "Europe/Paris", -41226939LL, 0, -41230539LL, -41230539LL },
	{ "America/New_York", -1846350920LL, 0, -1846332920LL, -1846332920LL },
	{ "Australia/Lord_Howe", 662432513LL, 0, 662392913LL, 662392913LL },
	{ "Asia/Kolkata", 1807045788LL, 0, 1807025988LL, 1807025988LL },
	{ "Pacific/Chatham", 3400257087LL, 0, 3400207587LL, 3400207587LL },
	{ "America/Nuuk", -439294133LL, 0, -439283333LL, -439283333LL },
	{ "Europe/Dublin", 1261323268LL, 0, 1261323268LL, 1261323268LL },
	{ "America/Sao_Paulo", -1364181140LL, 0, -1364170340LL, -1364170340LL },
	{ "Africa/Casablanca", 2146674426LL, 0, 2146670826LL, 2146670826LL },
	{ "Australia/Sydney", -1753146994LL, 0, -1753182994LL, -1753182994LL },
	{ "America/Santiago", 1603957571LL, 0, 1603968371LL, 1603968371LL },
	{ "Asia/Tehran", 2306634016LL, 0, 2306621416LL, 2306621416LL },
	{ "America/St_Johns", 3576408772LL, 0, 3576417772LL, 3576417772LL },
	{ "Europe/London", 3603831986LL, 0, 3603831986LL, 3603831986LL },
	{ "Europe/Paris", -2098220561LL, 0, -2098221122LL, -2098221122LL },
	{ "America/New_York", -16889710LL, 0, -16875310LL, -16875310LL },
	{ "Australia/Lord_Howe", 3493697206LL, 0, 3493659406LL, 3493659406LL },
	{ "Asia/Kolkata", -904728702LL, 0, -904748502LL, -904748502LL },
	{ "Pacific/Chatham", 3486321434LL, 0, 3486275534LL, 3486275534LL },
	{ "America/Nuuk", -1687696392LL, 0, -1687683976LL, -1687683976LL },
	{ "Europe/Dublin", 1865999573LL, 0, 1865999573LL, 1865999573LL },
	{ "America/Sao_Paulo", 1248196227LL, 0, 1248207027LL, 1248207027LL },
	{ "Africa/Casablanca", 2746933521LL, 0, 2746929921LL, 2746929921LL },
	{ "Australia/Sydney", 22735170LL, 0, 22699170LL, 22699170LL },
	{ "America/Santiago", 3948308804LL, 0, 3948319604LL, 3948319604LL },
	{ "Asia/Tehran", -764080770LL, 0, -764093370LL, -764093370LL },
	{ "America/St_Johns", 360344843LL, 0, 360353843LL, 360353843LL },
	{ "Europe/London", 2384515111LL, 0, 2384511511LL, 2384511511LL },
	{ "Europe/Paris", -494622229LL, 0, -494625829LL, -494625829LL },
	{ "America/New_York", 2925618552LL, 0, 2925632952LL, 2925632952LL },
	{ "Australia/Lord_Howe", 1748632227LL, 0, 1748594427LL, 1748594427LL },
	{ "Asia/Kolkata", 2280268180LL, 0, 2280248380LL, 2280248380LL },
	{ "Pacific/Chatham", 1394404171LL, 0, 1394354671LL, 1394354671LL },
	{ "America/Nuuk", 4026534302LL, 0, 4026537902LL, 4026537902LL },
	{ "Europe/Dublin", -1399261645LL, 0, -1399265245LL, -1399265245LL },
	{ "America/Sao_Paulo", 1561206091LL, 0, 1561216891LL, 1561216891LL },
	{ "Africa/Casablanca", 2640629603LL, 0, 2640626003LL, 2640626003LL },
	{ "Australia/Sydney", 67071379LL, 0, 67031779LL, 67031779LL },
	{ "America/Santiago", 1899523048LL, 0, 1899533848LL, 1899533848LL },
	{ "Asia/Tehran", 2774851215LL, 0, 2774838615LL, 2774838615LL },
	{ "America/St_Johns", 1417573027LL, 0, 1417585627LL, 1417585627LL },
	{ "Europe/London", -534074224LL, 0, -534074224LL, -534074224LL },
	{ "Europe/Paris", 3912861199LL, 0, 3912857599LL, 3912857599LL },
	{ "America/New_York", 3864467707LL, 0, 3864482107LL, 3864482107LL },
	{ "Australia/Lord_Howe", -1871151761LL, 0, -1871187761LL, -1871187761LL },
	{ "Asia/Kolkata", -899413482LL, 0, -899433282LL, -899433282LL },
	{ "Pacific/Chatham", -731236673LL, 0, -731282573LL, -731282573LL },
	{ "America/Nuuk", -1077506769LL, 0, -1077495969LL, -1077495969LL },
	{ "Europe/Dublin", -423410302LL, 0, -423413902LL, -423413902LL },
	{ "America/Sao_Paulo", -200230956LL, 0, -200220156LL, -200220156LL },
	{ "Africa/Casablanca", 3485232738LL, 0, 3485229138LL, 3485229138LL },
	{ "Australia/Sydney", -138587866LL, 0, -138623866LL, -138623866LL },
	{ "America/Santiago", 2601828203LL, 0, 2601842603LL, 2601842603LL },
	{ "Asia/Tehran", 1212863180LL, 0, 1212846980LL, 1212846980LL },
	{ "America/St_Johns", 1296358838LL, 0, 1296371438LL, 1296371438LL },
	{ "Europe/London", 1432584890LL, 0, 1432581290LL, 1432581290LL },
	{ "Europe/Paris", 796183199LL, 0, 796179599LL, 796179599LL },
	{ "Europe/Paris", 796183200LL, 2, 796179600LL, 796179600LL },
	{ "Europe/Paris", 796185000LL, 2, 796181400LL, 796181400LL },
	{ "Europe/Paris", 796186799LL, 2, 796183199LL, 796183199LL },
	{ "Europe/Paris", 796186800LL, 0, 796179600LL, 796179600LL },
	{ "Europe/Paris", 811907999LL, 0, 811900799LL, 811900799LL },
	{ "Europe/Paris", 811908000LL, 1, 811900800LL, 811904400LL },
	{ "Europe/Paris", 811909800LL, 1, 811902600LL, 811906200LL },
	{ "Europe/Paris", 811911599LL, 1, 811904399LL, 811907999LL },
	{ "Europe/Paris", 811911600LL, 0, 811908000LL, 811908000LL },
	{ "Europe/Paris", 1774749599LL, 0, 1774745999LL, 1774745999LL },
	{ "Europe/Paris", 1774749600LL, 2, 1774746000LL, 1774746000LL },
	{ "Europe/Paris", 1774751400LL, 2, 1774747800LL, 1774747800LL },
	{ "Europe/Paris", 1774753199LL, 2, 1774749599LL, 1774749599LL },
	{ "Europe/Paris", 1774753200LL, 0, 1774746000LL, 1774746000LL },
	{ "Europe/Paris", 1792893599LL, 0, 1792886399LL, 1792886399LL },
	{ "Europe/Paris", 1792893600LL, 1, 1792886400LL, 1792890000LL },
	{ "Europe/Paris", 1792895400LL, 1, 1792888200LL, 1792891800LL },
	{ "Europe/Paris", 1792897199LL, 1, 1792889999LL, 1792893599LL },
	{ "Europe/Paris", 1792897200LL, 0, 1792893600LL, 1792893600LL },
	{ "Europe/Paris", 3384122399LL, 0, 3384118799LL, 3384118799LL },
	{ "Europe/Paris", 3384122400LL, 2, 3384118800LL, 3384118800LL },
	{ "Europe/Paris", 3384124200LL, 2, 3384120600LL, 3384120600LL },
	{ "Europe/Paris", 3384125999LL, 2, 3384122399LL, 3384122399LL },
	{ "Europe/Paris", 3384126000LL, 0, 3384118800LL, 3384118800LL },
	{ "Europe/Paris", 3402871199LL, 0, 3402863999LL, 3402863999LL },
	{ "Europe/Paris", 3402871200LL, 1, 3402864000LL, 3402867600LL },
	{ "Europe/Paris", 3402873000LL, 1, 3402865800LL, 3402869400LL },
	{ "Europe/Paris", 3402874799LL, 1, 3402867599LL, 3402871199LL },
	{ "Europe/Paris", 3402874800LL, 0, 3402871200LL, 3402871200LL },
	{ "America/New_York", 796787999LL, 0, 796805999LL, 796805999LL },
	{ "America/New_York", 796788000LL, 2, 796806000LL, 796806000LL },
	{ "America/New_York", 796789800LL, 2, 796807800LL, 796807800LL },
	{ "America/New_York", 796791599LL, 2, 796809599LL, 796809599LL },
	{ "America/New_York", 796791600LL, 0, 796806000LL, 796806000LL },
	{ "America/New_York", 814928399LL, 0, 814942799LL, 814942799LL },
	{ "America/New_York", 814928400LL, 1, 814942800LL, 814946400LL },
	{ "America/New_York", 814930200LL, 1, 814944600LL, 814948200LL },
	{ "America/New_York", 814931999LL, 1, 814946399LL, 814949999LL },
	{ "America/New_York", 814932000LL, 0, 814950000LL, 814950000LL },
	{ "America/New_York", 1772935199LL, 0, 1772953199LL, 1772953199LL },
	{ "America/New_York", 1772935200LL, 2, 1772953200LL, 1772953200LL },
	{ "America/New_York", 1772937000LL, 2, 1772955000LL, 1772955000LL },
	{ "America/New_York", 1772938799LL, 2, 1772956799LL, 1772956799LL },
	{ "America/New_York", 1772938800LL, 0, 1772953200LL, 1772953200LL },
	{ "America/New_York", 1793494799LL, 0, 1793509199LL, 1793509199LL },
	{ "America/New_York", 1793494800LL, 1, 1793509200LL, 1793512800LL },
	{ "America/New_York", 1793496600LL, 1, 1793511000LL, 1793514600LL },
	{ "America/New_York", 1793498399LL, 1, 1793512799LL, 1793516399LL },
	{ "America/New_York", 1793498400LL, 0, 1793516400LL, 1793516400LL },
	{ "America/New_York", 3382912799LL, 0, 3382930799LL, 3382930799LL },
	{ "America/New_York", 3382912800LL, 2, 3382930800LL, 3382930800LL },
	{ "America/New_York", 3382914600LL, 2, 3382932600LL, 3382932600LL },
	{ "America/New_York", 3382916399LL, 2, 3382934399LL, 3382934399LL },
	{ "America/New_York", 3382916400LL, 0, 3382930800LL, 3382930800LL },
	{ "America/New_York", 3403472399LL, 0, 3403486799LL, 3403486799LL },
	{ "America/New_York", 3403472400LL, 1, 3403486800LL, 3403490400LL },
	{ "America/New_York", 3403474200LL, 1, 3403488600LL, 3403492200LL },
	{ "America/New_York", 3403475999LL, 1, 3403490399LL, 3403493999LL },
	{ "America/New_York", 3403476000LL, 0, 3403494000LL, 3403494000LL },
	{ "Australia/Lord_Howe", 794366999LL, 0, 794327399LL, 794327399LL },
	{ "Australia/Lord_Howe", 794367000LL, 1, 794327400LL, 794329200LL },
	{ "Australia/Lord_Howe", 794367900LL, 1, 794328300LL, 794330100LL },
	{ "Australia/Lord_Howe", 794368799LL, 1, 794329199LL, 794330999LL },
	{ "Australia/Lord_Howe", 794368800LL, 0, 794331000LL, 794331000LL },
	{ "Australia/Lord_Howe", 814931999LL, 0, 814894199LL, 814894199LL },
	{ "Australia/Lord_Howe", 814932000LL, 2, 814894200LL, 814894200LL },
	{ "Australia/Lord_Howe", 814932900LL, 2, 814895100LL, 814895100LL },
	{ "Australia/Lord_Howe", 814933799LL, 2, 814895999LL, 814895999LL },
	{ "Australia/Lord_Howe", 814933800LL, 0, 814894200LL, 814894200LL },
	{ "Australia/Lord_Howe", 1775352599LL, 0, 1775312999LL, 1775312999LL },
	{ "Australia/Lord_Howe", 1775352600LL, 1, 1775313000LL, 1775314800LL },
	{ "Australia/Lord_Howe", 1775353500LL, 1, 1775313900LL, 1775315700LL },
	{ "Australia/Lord_Howe", 1775354399LL, 1, 1775314799LL, 1775316599LL },
	{ "Australia/Lord_Howe", 1775354400LL, 0, 1775316600LL, 1775316600LL },
	{ "Australia/Lord_Howe", 1791079199LL, 0, 1791041399LL, 1791041399LL },
	{ "Australia/Lord_Howe", 1791079200LL, 2, 1791041400LL, 1791041400LL },
	{ "Australia/Lord_Howe", 1791080100LL, 2, 1791042300LL, 1791042300LL },
	{ "Australia/Lord_Howe", 1791080999LL, 2, 1791043199LL, 1791043199LL },
	{ "Australia/Lord_Howe", 1791081000LL, 0, 1791041400LL, 1791041400LL },
	{ "Australia/Lord_Howe", 3384725399LL, 0, 3384685799LL, 3384685799LL },
	{ "Australia/Lord_Howe", 3384725400LL, 1, 3384685800LL, 3384687600LL },
	{ "Australia/Lord_Howe", 3384726300LL, 1, 3384686700LL, 3384688500LL },
	{ "Australia/Lord_Howe", 3384727199LL, 1, 3384687599LL, 3384689399LL },
	{ "Australia/Lord_Howe", 3384727200LL, 0, 3384689400LL, 3384689400LL },
	{ "Australia/Lord_Howe", 3400451999LL, 0, 3400414199LL, 3400414199LL },
	{ "Australia/Lord_Howe", 3400452000LL, 2, 3400414200LL, 3400414200LL },
	{ "Australia/Lord_Howe", 3400452900LL, 2, 3400415100LL, 3400415100LL },
	{ "Australia/Lord_Howe", 3400453799LL, 2, 3400415999LL, 3400415999LL },
	{ "Australia/Lord_Howe", 3400453800LL, 0, 3400414200LL, 3400414200LL },
	{ "Pacific/Chatham", 795581099LL, 0, 795531599LL, 795531599LL },
	{ "Pacific/Chatham", 795581100LL, 1, 795531600LL, 795535200LL },
	{ "Pacific/Chatham", 795582900LL, 1, 795533400LL, 795537000LL },
	{ "Pacific/Chatham", 795584699LL, 1, 795535199LL, 795538799LL },
	{ "Pacific/Chatham", 795584700LL, 0, 795538800LL, 795538800LL },
	{ "Pacific/Chatham", 812515499LL, 0, 812469599LL, 812469599LL },
	{ "Pacific/Chatham", 812515500LL, 2, 812469600LL, 812469600LL },
	{ "Pacific/Chatham", 812517300LL, 2, 812471400LL, 812471400LL },
	{ "Pacific/Chatham", 812519099LL, 2, 812473199LL, 812473199LL },
	{ "Pacific/Chatham", 812519100LL, 0, 812469600LL, 812469600LL },
	{ "Pacific/Chatham", 1775357099LL, 0, 1775307599LL, 1775307599LL },
	{ "Pacific/Chatham", 1775357100LL, 1, 1775307600LL, 1775311200LL },
	{ "Pacific/Chatham", 1775358900LL, 1, 1775309400LL, 1775313000LL },
	{ "Pacific/Chatham", 1775360699LL, 1, 1775311199LL, 1775314799LL },
	{ "Pacific/Chatham", 1775360700LL, 0, 1775314800LL, 1775314800LL },
	{ "Pacific/Chatham", 1790477099LL, 0, 1790431199LL, 1790431199LL },
	{ "Pacific/Chatham", 1790477100LL, 2, 1790431200LL, 1790431200LL },
	{ "Pacific/Chatham", 1790478900LL, 2, 1790433000LL, 1790433000LL },
	{ "Pacific/Chatham", 1790480699LL, 2, 1790434799LL, 1790434799LL },
	{ "Pacific/Chatham", 1790480700LL, 0, 1790431200LL, 1790431200LL },
	{ "Pacific/Chatham", 3384729899LL, 0, 3384680399LL, 3384680399LL },
	{ "Pacific/Chatham", 3384729900LL, 1, 3384680400LL, 3384684000LL },
	{ "Pacific/Chatham", 3384731700LL, 1, 3384682200LL, 3384685800LL },
	{ "Pacific/Chatham", 3384733499LL, 1, 3384683999LL, 3384687599LL },
	{ "Pacific/Chatham", 3384733500LL, 0, 3384687600LL, 3384687600LL },
	{ "Pacific/Chatham", 3399849899LL, 0, 3399803999LL, 3399803999LL },
	{ "Pacific/Chatham", 3399849900LL, 2, 3399804000LL, 3399804000LL },
	{ "Pacific/Chatham", 3399851700LL, 2, 3399805800LL, 3399805800LL },
	{ "Pacific/Chatham", 3399853499LL, 2, 3399807599LL, 3399807599LL },
	{ "Pacific/Chatham", 3399853500LL, 0, 3399804000LL, 3399804000LL },
	{ "America/Nuuk", 796168799LL, 0, 796179599LL, 796179599LL },
	{ "America/Nuuk", 796168800LL, 2, 796179600LL, 796179600LL },
	{ "America/Nuuk", 796170600LL, 2, 796181400LL, 796181400LL },
	{ "America/Nuuk", 796172399LL, 2, 796183199LL, 796183199LL },
	{ "America/Nuuk", 796172400LL, 0, 796179600LL, 796179600LL },
	{ "America/Nuuk", 811893599LL, 0, 811900799LL, 811900799LL },
	{ "America/Nuuk", 811893600LL, 1, 811900800LL, 811904400LL },
	{ "America/Nuuk", 811895400LL, 1, 811902600LL, 811906200LL },
	{ "America/Nuuk", 811897199LL, 1, 811904399LL, 811907999LL },
	{ "America/Nuuk", 811897200LL, 0, 811908000LL, 811908000LL },
	{ "America/Nuuk", 1774738799LL, 0, 1774745999LL, 1774745999LL },
	{ "America/Nuuk", 1774738800LL, 2, 1774746000LL, 1774746000LL },
	{ "America/Nuuk", 1774740600LL, 2, 1774747800LL, 1774747800LL },
	{ "America/Nuuk", 1774742399LL, 2, 1774749599LL, 1774749599LL },
	{ "America/Nuuk", 1774742400LL, 0, 1774746000LL, 1774746000LL },
	{ "America/Nuuk", 1792882799LL, 0, 1792886399LL, 1792886399LL },
	{ "America/Nuuk", 1792882800LL, 1, 1792886400LL, 1792890000LL },
	{ "America/Nuuk", 1792884600LL, 1, 1792888200LL, 1792891800LL },
	{ "America/Nuuk", 1792886399LL, 1, 1792889999LL, 1792893599LL },
	{ "America/Nuuk", 1792886400LL, 0, 1792893600LL, 1792893600LL },
	{ "America/Nuuk", 3384111599LL, 0, 3384118799LL, 3384118799LL },
	{ "America/Nuuk", 3384111600LL, 2, 3384118800LL, 3384118800LL },
	{ "America/Nuuk", 3384113400LL, 2, 3384120600LL, 3384120600LL },
	{ "America/Nuuk", 3384115199LL, 2, 3384122399LL, 3384122399LL },
	{ "America/Nuuk", 3384115200LL, 0, 3384118800LL, 3384118800LL },
	{ "America/Nuuk", 3402860399LL, 0, 3402863999LL, 3402863999LL },
	{ "America/Nuuk", 3402860400LL, 1, 3402864000LL, 3402867600LL },
	{ "America/Nuuk", 3402862200LL, 1, 3402865800LL, 3402869400LL },
	{ "America/Nuuk", 3402863999LL, 1, 3402867599LL, 3402871199LL },
	{ "America/Nuuk", 3402864000LL, 0, 3402871200LL, 3402871200LL },
	{ "Europe/Dublin", 796179599LL, 0, 796179599LL, 796179599LL },
	{ "Europe/Dublin", 796179600LL, 2, 796179600LL, 796179600LL },
	{ "Europe/Dublin", 796181400LL, 2, 796181400LL, 796181400LL },
	{ "Europe/Dublin", 796183199LL, 2, 796183199LL, 796183199LL },
	{ "Europe/Dublin", 796183200LL, 0, 796179600LL, 796179600LL },
	{ "Europe/Dublin", 814323599LL, 0, 814319999LL, 814319999LL },
	{ "Europe/Dublin", 814323600LL, 1, 814320000LL, 814323600LL },
	{ "Europe/Dublin", 814325400LL, 1, 814321800LL, 814325400LL },
	{ "Europe/Dublin", 814327199LL, 1, 814323599LL, 814327199LL },
	{ "Europe/Dublin", 814327200LL, 0, 814327200LL, 814327200LL },
	{ "Europe/Dublin", 1774745999LL, 0, 1774745999LL, 1774745999LL },
	{ "Europe/Dublin", 1774746000LL, 2, 1774746000LL, 1774746000LL },
	{ "Europe/Dublin", 1774747800LL, 2, 1774747800LL, 1774747800LL },
	{ "Europe/Dublin", 1774749599LL, 2, 1774749599LL, 1774749599LL },
	{ "Europe/Dublin", 1774749600LL, 0, 1774746000LL, 1774746000LL },
	{ "Europe/Dublin", 1792889999LL, 0, 1792886399LL, 1792886399LL },
	{ "Europe/Dublin", 1792890000LL, 1, 1792886400LL, 1792890000LL },
	{ "Europe/Dublin", 1792891800LL, 1, 1792888200LL, 1792891800LL },
	{ "Europe/Dublin", 1792893599LL, 1, 1792889999LL, 1792893599LL },
	{ "Europe/Dublin", 1792893600LL, 0, 1792893600LL, 1792893600LL },
	{ "Europe/Dublin", 3384118799LL, 0, 3384118799LL, 3384118799LL },
	{ "Europe/Dublin", 3384118800LL, 2, 3384118800LL, 3384118800LL },
	{ "Europe/Dublin", 3384120600LL, 2, 3384120600LL, 3384120600LL },
	{ "Europe/Dublin", 3384122399LL, 2, 3384122399LL, 3384122399LL },
	{ "Europe/Dublin", 3384122400LL, 0, 3384118800LL, 3384118800LL },
	{ "Europe/Dublin", 3402867599LL, 0, 3402863999LL, 3402863999LL },
	{ "Europe/Dublin", 3402867600LL, 1, 3402864000LL, 3402867600LL },
	{ "Europe/Dublin", 3402869400LL, 1, 3402865800LL, 3402869400LL },
	{ "Europe/Dublin", 3402871199LL, 1, 3402867599LL, 3402871199LL },
	{ "Europe/Dublin", 3402871200LL, 0, 3402871200LL, 3402871200LL },
	{ "America/Sao_Paulo", 793148399LL, 0, 793155599LL, 793155599LL },
	{ "America/Sao_Paulo", 793148400LL, 1, 793155600LL, 793159200LL },
	{ "America/Sao_Paulo", 793150200LL, 1, 793157400LL, 793161000LL },
	{ "America/Sao_Paulo", 793151999LL, 1, 793159199LL, 793162799LL },
	{ "America/Sao_Paulo", 793152000LL, 0, 793162800LL, 793162800LL },
	{ "America/Sao_Paulo", 813715199LL, 0, 813725999LL, 813725999LL },
	{ "America/Sao_Paulo", 813715200LL, 2, 813726000LL, 813726000LL },
	{ "America/Sao_Paulo", 813717000LL, 2, 813727800LL, 813727800LL },
	{ "America/Sao_Paulo", 813718799LL, 2, 813729599LL, 813729599LL },
	{ "America/Sao_Paulo", 813718800LL, 0, 813726000LL, 813726000LL },
	{ "Africa/Casablanca", 1771120799LL, 0, 1771117199LL, 1771117199LL },
	{ "Africa/Casablanca", 1771120800LL, 1, 1771117200LL, 1771120800LL },
	{ "Africa/Casablanca", 1771122600LL, 1, 1771119000LL, 1771122600LL },
	{ "Africa/Casablanca", 1771124399LL, 1, 1771120799LL, 1771124399LL },
	{ "Africa/Casablanca", 1771124400LL, 0, 1771124400LL, 1771124400LL },
	{ "Africa/Casablanca", 1774144799LL, 0, 1774144799LL, 1774144799LL },
	{ "Africa/Casablanca", 1774144800LL, 2, 1774144800LL, 1774144800LL },
	{ "Africa/Casablanca", 1774146600LL, 2, 1774146600LL, 1774146600LL },
	{ "Africa/Casablanca", 1774148399LL, 2, 1774148399LL, 1774148399LL },
	{ "Africa/Casablanca", 1774148400LL, 0, 1774144800LL, 1774144800LL },
	{ "Africa/Casablanca", 3393799199LL, 0, 3393795599LL, 3393795599LL },
	{ "Africa/Casablanca", 3393799200LL, 1, 3393795600LL, 3393799200LL },
	{ "Africa/Casablanca", 3393801000LL, 1, 3393797400LL, 3393801000LL },
	{ "Africa/Casablanca", 3393802799LL, 1, 3393799199LL, 3393802799LL },
	{ "Africa/Casablanca", 3393802800LL, 0, 3393802800LL, 3393802800LL },
	{ "Africa/Casablanca", 3396823199LL, 0, 3396823199LL, 3396823199LL },
	{ "Africa/Casablanca", 3396823200LL, 2, 3396823200LL, 3396823200LL },
	{ "Africa/Casablanca", 3396825000LL, 2, 3396825000LL, 3396825000LL },
	{ "Africa/Casablanca", 3396826799LL, 2, 3396826799LL, 3396826799LL },
	{ "Africa/Casablanca", 3396826800LL, 0, 3396823200LL, 3396823200LL },
	{ "Australia/Sydney", 794368799LL, 0, 794329199LL, 794329199LL },
	{ "Australia/Sydney", 794368800LL, 1, 794329200LL, 794332800LL },
	{ "Australia/Sydney", 794370600LL, 1, 794331000LL, 794334600LL },
	{ "Australia/Sydney", 794372399LL, 1, 794332799LL, 794336399LL },
	{ "Australia/Sydney", 794372400LL, 0, 794336400LL, 794336400LL },
	{ "Australia/Sydney", 814931999LL, 0, 814895999LL, 814895999LL },
	{ "Australia/Sydney", 814932000LL, 2, 814896000LL, 814896000LL },
	{ "Australia/Sydney", 814933800LL, 2, 814897800LL, 814897800LL },
	{ "Australia/Sydney", 814935599LL, 2, 814899599LL, 814899599LL },
	{ "Australia/Sydney", 814935600LL, 0, 814896000LL, 814896000LL },
	{ "Australia/Sydney", 1775354399LL, 0, 1775314799LL, 1775314799LL },
	{ "Australia/Sydney", 1775354400LL, 1, 1775314800LL, 1775318400LL },
	{ "Australia/Sydney", 1775356200LL, 1, 1775316600LL, 1775320200LL },
	{ "Australia/Sydney", 1775357999LL, 1, 1775318399LL, 1775321999LL },
	{ "Australia/Sydney", 1775358000LL, 0, 1775322000LL, 1775322000LL },
	{ "Australia/Sydney", 1791079199LL, 0, 1791043199LL, 1791043199LL },
	{ "Australia/Sydney", 1791079200LL, 2, 1791043200LL, 1791043200LL },
	{ "Australia/Sydney", 1791081000LL, 2, 1791045000LL, 1791045000LL },
	{ "Australia/Sydney", 1791082799LL, 2, 1791046799LL, 1791046799LL },
	{ "Australia/Sydney", 1791082800LL, 0, 1791043200LL, 1791043200LL },
	{ "Australia/Sydney", 3384727199LL, 0, 3384687599LL, 3384687599LL },
	{ "Australia/Sydney", 3384727200LL, 1, 3384687600LL, 3384691200LL },
	{ "Australia/Sydney", 3384729000LL, 1, 3384689400LL, 3384693000LL },
	{ "Australia/Sydney", 3384730799LL, 1, 3384691199LL, 3384694799LL },
	{ "Australia/Sydney", 3384730800LL, 0, 3384694800LL, 3384694800LL },
	{ "Australia/Sydney", 3400451999LL, 0, 3400415999LL, 3400415999LL },
	{ "Australia/Sydney", 3400452000LL, 2, 3400416000LL, 3400416000LL },
	{ "Australia/Sydney", 3400453800LL, 2, 3400417800LL, 3400417800LL },
	{ "Australia/Sydney", 3400455599LL, 2, 3400419599LL, 3400419599LL },
	{ "Australia/Sydney", 3400455600LL, 0, 3400416000LL, 3400416000LL },
	{ "America/Santiago", 794962799LL, 0, 794973599LL, 794973599LL },
	{ "America/Santiago", 794962800LL, 1, 794973600LL, 794977200LL },
	{ "America/Santiago", 794964600LL, 1, 794975400LL, 794979000LL },
	{ "America/Santiago", 794966399LL, 1, 794977199LL, 794980799LL },
	{ "America/Santiago", 794966400LL, 0, 794980800LL, 794980800LL },
	{ "America/Santiago", 813715199LL, 0, 813729599LL, 813729599LL },
	{ "America/Santiago", 813715200LL, 2, 813729600LL, 813729600LL },
	{ "America/Santiago", 813717000LL, 2, 813731400LL, 813731400LL },
	{ "America/Santiago", 813718799LL, 2, 813733199LL, 813733199LL },
	{ "America/Santiago", 813718800LL, 0, 813729600LL, 813729600LL },
	{ "America/Santiago", 1775343599LL, 0, 1775354399LL, 1775354399LL },
	{ "America/Santiago", 1775343600LL, 1, 1775354400LL, 1775358000LL },
	{ "America/Santiago", 1775345400LL, 1, 1775356200LL, 1775359800LL },
	{ "America/Santiago", 1775347199LL, 1, 1775357999LL, 1775361599LL },
	{ "America/Santiago", 1775347200LL, 0, 1775361600LL, 1775361600LL },
	{ "America/Santiago", 1788652799LL, 0, 1788667199LL, 1788667199LL },
	{ "America/Santiago", 1788652800LL, 2, 1788667200LL, 1788667200LL },
	{ "America/Santiago", 1788654600LL, 2, 1788669000LL, 1788669000LL },
	{ "America/Santiago", 1788656399LL, 2, 1788670799LL, 1788670799LL },
	{ "America/Santiago", 1788656400LL, 0, 1788667200LL, 1788667200LL },
	{ "America/Santiago", 3384716399LL, 0, 3384727199LL, 3384727199LL },
	{ "America/Santiago", 3384716400LL, 1, 3384727200LL, 3384730800LL },
	{ "America/Santiago", 3384718200LL, 1, 3384729000LL, 3384732600LL },
	{ "America/Santiago", 3384719999LL, 1, 3384730799LL, 3384734399LL },
	{ "America/Santiago", 3384720000LL, 0, 3384734400LL, 3384734400LL },
	{ "America/Santiago", 3398025599LL, 0, 3398039999LL, 3398039999LL },
	{ "America/Santiago", 3398025600LL, 2, 3398040000LL, 3398040000LL },
	{ "America/Santiago", 3398027400LL, 2, 3398041800LL, 3398041800LL },
	{ "America/Santiago", 3398029199LL, 2, 3398043599LL, 3398043599LL },
	{ "America/Santiago", 3398029200LL, 0, 3398040000LL, 3398040000LL },
	{ "Asia/Tehran", 795830399LL, 0, 795817799LL, 795817799LL },
	{ "Asia/Tehran", 795830400LL, 2, 795817800LL, 795817800LL },
	{ "Asia/Tehran", 795832200LL, 2, 795819600LL, 795819600LL },
	{ "Asia/Tehran", 795833999LL, 2, 795821399LL, 795821399LL },
	{ "Asia/Tehran", 795834000LL, 0, 795817800LL, 795817800LL },
	{ "Asia/Tehran", 811724399LL, 0, 811708199LL, 811708199LL },
	{ "Asia/Tehran", 811724400LL, 1, 811708200LL, 811711800LL },
	{ "Asia/Tehran", 811726200LL, 1, 811710000LL, 811713600LL },
	{ "Asia/Tehran", 811727999LL, 1, 811711799LL, 811715399LL },
	{ "Asia/Tehran", 811728000LL, 0, 811715400LL, 811715400LL },
	{ "America/St_Johns", 796780859LL, 0, 796793459LL, 796793459LL },
	{ "America/St_Johns", 796780860LL, 2, 796793460LL, 796793460LL },
	{ "America/St_Johns", 796782660LL, 2, 796795260LL, 796795260LL },
	{ "America/St_Johns", 796784459LL, 2, 796797059LL, 796797059LL },
	{ "America/St_Johns", 796784460LL, 0, 796793460LL, 796793460LL },
	{ "America/St_Johns", 814921259LL, 0, 814930259LL, 814930259LL },
	{ "America/St_Johns", 814921260LL, 1, 814930260LL, 814933860LL },
	{ "America/St_Johns", 814923060LL, 1, 814932060LL, 814935660LL },
	{ "America/St_Johns", 814924859LL, 1, 814933859LL, 814937459LL },
	{ "America/St_Johns", 814924860LL, 0, 814937460LL, 814937460LL },
	{ "America/St_Johns", 1772935199LL, 0, 1772947799LL, 1772947799LL },
	{ "America/St_Johns", 1772935200LL, 2, 1772947800LL, 1772947800LL },
	{ "America/St_Johns", 1772937000LL, 2, 1772949600LL, 1772949600LL },
	{ "America/St_Johns", 1772938799LL, 2, 1772951399LL, 1772951399LL },
	{ "America/St_Johns", 1772938800LL, 0, 1772947800LL, 1772947800LL },
	{ "America/St_Johns", 1793494799LL, 0, 1793503799LL, 1793503799LL },
	{ "America/St_Johns", 1793494800LL, 1, 1793503800LL, 1793507400LL },
	{ "America/St_Johns", 1793496600LL, 1, 1793505600LL, 1793509200LL },
	{ "America/St_Johns", 1793498399LL, 1, 1793507399LL, 1793510999LL },
	{ "America/St_Johns", 1793498400LL, 0, 1793511000LL, 1793511000LL },
	{ "America/St_Johns", 3382912799LL, 0, 3382925399LL, 3382925399LL },
	{ "America/St_Johns", 3382912800LL, 2, 3382925400LL, 3382925400LL },
	{ "America/St_Johns", 3382914600LL, 2, 3382927200LL, 3382927200LL },
	{ "America/St_Johns", 3382916399LL, 2, 3382928999LL, 3382928999LL },
	{ "America/St_Johns", 3382916400LL, 0, 3382925400LL, 3382925400LL },
	{ "America/St_Johns", 3403472399LL, 0, 3403481399LL, 3403481399LL },
	{ "America/St_Johns", 3403472400LL, 1, 3403481400LL, 3403485000LL },
	{ "America/St_Johns", 3403474200LL, 1, 3403483200LL, 3403486800LL },
	{ "America/St_Johns", 3403475999LL, 1, 3403484999LL, 3403488599LL },
	{ "America/St_Johns", 3403476000LL, 0, 3403488600LL, 3403488600LL },
	{ "Europe/London", 796179599LL, 0, 796179599LL, 796179599LL },
	{ "Europe/London", 796179600LL, 2, 796179600LL, 796179600LL },
	{ "Europe/London", 796181400LL, 2, 796181400LL, 796181400LL },
	{ "Europe/London", 796183199LL, 2, 796183199LL, 796183199LL },
	{ "Europe/London", 796183200LL, 0, 796179600LL, 796179600LL },
	{ "Europe/London", 814323599LL, 0, 814319999LL, 814319999LL },
	{ "Europe/London", 814323600LL, 1, 814320000LL, 814323600LL },
	{ "Europe/London", 814325400LL, 1, 814321800LL, 814325400LL },
	{ "Europe/London", 814327199LL, 1, 814323599LL, 814327199LL },
	{ "Europe/London", 814327200LL, 0, 814327200LL, 814327200LL },
	{ "Europe/London", 1774745999LL, 0, 1774745999LL, 1774745999LL },
	{ "Europe/London", 1774746000LL, 2, 1774746000LL, 1774746000LL },
	{ "Europe/London", 1774747800LL, 2, 1774747800LL, 1774747800LL },
	{ "Europe/London", 1774749599LL, 2, 1774749599LL, 1774749599LL },
	{ "Europe/London", 1774749600LL, 0, 1774746000LL, 1774746000LL },
	{ "Europe/London", 1792889999LL, 0, 1792886399LL, 1792886399LL },
	{ "Europe/London", 1792890000LL, 1, 1792886400LL, 1792890000LL },
	{ "Europe/London", 1792891800LL, 1, 1792888200LL, 1792891800LL },
	{ "Europe/London", 1792893599LL, 1, 1792889999LL, 1792893599LL },
	{ "Europe/London", 1792893600LL, 0, 1792893600LL, 1792893600LL },
	{ "Europe/London", 3384118799LL, 0, 3384118799LL, 3384118799LL },
	{ "Europe/London", 3384118800LL, 2, 3384118800LL, 3384118800LL },
	{ "Europe/London", 3384120600LL, 2, 3384120600LL, 3384120600LL },
	{ "Europe/London", 3384122399LL, 2, 3384122399LL, 3384122399LL },
	{ "Europe/London", 3384122400LL, 0, 3384118800LL, 3384118800LL },
	{ "Europe/London", 3402867599LL, 0, 3402863999LL, 3402863999LL },
	{ "Europe/London", 3402867600LL, 1, 3402864000LL, 3402867600LL },
	{ "Europe/London", 3402869400LL, 1, 3402865800LL, 3402869400LL },
	{ "Europe/London", 3402871199LL, 1, 3402867599LL, 3402871199LL },
	{ "Europe/London", 3402871200LL, 0, 3402871200LL, 3402871200LL },
};

static struct tz *load(const char *name)
{
	struct err e = ERR_INIT;
	struct tz *tz = (struct tz *)0x1;
	if (tz_load(&tz, name, &e) < 0)
		print_error("tz_load('%s'): %s\n", name, e.msg);
	assert_non_null(tz);
	assert_int_equal(e.code, ERR_NONE);
	return tz;
}

/* Asserts that loading name fails with code; returns the message. */
static void expect_load_fail(const char *name, enum err_code code, char *msg,
			     size_t cap)
{
	struct err e = ERR_INIT;
	struct tz *tz = (struct tz *)0x1;
	int rc = tz_load(&tz, name, &e);
	if (rc != -1 || e.code != code)
		print_error("tz_load('%s'): rc %d code %d '%s'\n", name, rc,
			    (int)e.code, e.msg);
	assert_int_equal(rc, -1);
	assert_null(tz);
	assert_int_equal(e.code, code);
	if (msg)
		snprintf(msg, cap, "%s", e.msg);
}

static int64_t utc_of(int y, int mo, int d, int h, int mi)
{
	return ts_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

static void test_utc(void **state)
{
	(void)state;
	const struct tz *u = tz_utc();
	struct tz_info in;
	assert_non_null(u);
	assert_ptr_equal(u, tz_utc());
	assert_string_equal(tz_name(u), "UTC");
	tz_lookup(u, 1793479800, &in);
	assert_int_equal(in.offset_s, 0);
	assert_int_equal(in.is_dst, 0);
	assert_string_equal(in.abbr, "UTC");
	int64_t s;
	assert_int_equal(tz_local_to_utc(u, 1793479800, TZ_LATER, &s), 0);
	assert_int_equal(s, 1793479800);
	tz_free((struct tz *)u);              /* ignored */
	assert_string_equal(tz_name(tz_utc()), "UTC");
	/* extreme instants do not overflow */
	tz_lookup(u, INT64_MAX, &in);
	tz_lookup(u, INT64_MIN, &in);
	assert_int_equal(in.offset_s, 0);

	static const char *const names[] = { "UTC", "Z", "Etc/UTC" };
	for (size_t i = 0; i < 3; i++) {
		/* these need no file at all */
		setenv("TZDIR", "/nonexistent-vmpm-zoneinfo", 1);
		struct tz *tz = load(names[i]);
		unsetenv("TZDIR");
		assert_string_equal(tz_name(tz), names[i]);
		tz_lookup(tz, 1793479800, &in);
		assert_int_equal(in.offset_s, 0);
		assert_string_equal(in.abbr, "UTC");
		tz_free(tz);
	}
	tz_free(NULL);
}

static void test_fixed(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int32_t off;
		const char *abbr;
	} ok[] = {
		{ "+02:00", 7200, "+0200" }, { "-05:30", -19800, "-0530" },
		{ "+0530", 19800, "+0530" }, { "-0500", -18000, "-0500" },
		{ "+05", 18000, "+0500" }, { "+18:00", 64800, "+1800" },
		{ "-18:00", -64800, "-1800" }, { "+12:45", 45900, "+1245" },
		{ "+00:00", 0, "+0000" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct tz *tz = load(ok[i].name);
		struct tz_info in;
		assert_string_equal(tz_name(tz), ok[i].name);
		tz_lookup(tz, 0, &in);
		assert_int_equal(in.offset_s, ok[i].off);
		assert_int_equal(in.is_dst, 0);
		assert_string_equal(in.abbr, ok[i].abbr);
		int64_t u;
		assert_int_equal(tz_local_to_utc(tz, 1793479800, TZ_EARLIER, &u), 0);
		assert_int_equal(u, 1793479800 - ok[i].off);
		tz_free(tz);
	}
	static const char *const bad[] = {
		"+18:01", "+19", "-19:00", "+2", "+02:0", "+02:60", "+0260",
		"+02:00:00", "+", "-", "+ab:cd", "+02-00", "UTC+2", "GMT+2:00",
		"+02:00 ",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_load_fail(bad[i], ERR_USAGE, NULL, 0);
}

static void test_names_refused(void **state)
{
	(void)state;
	char msg[768];
	static const char *const bad[] = {
		"../etc/passwd", "/etc/passwd", "Europe/../../etc/passwd",
		"Europe/..", "..", "Europe/Paris\n", "Europe/Par is",
		"Europe/Paris;rm", "", "Europe/Pa.ris", "./UTC", "Europe\\Paris",
		"Europe/Paris\x01", "Eur\xc3\xb6pe/Paris", "~/zone",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_load_fail(bad[i], ERR_USAGE, msg, sizeof(msg));
		assert_non_null(strstr(msg, "unknown time zone '"));
		assert_non_null(strstr(msg, "give an IANA name such as Europe/Paris "
				       "or an offset such as +02:00"));
		/* the quoted name carries no control characters */
		for (const char *p = msg; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
	}
	expect_load_fail("Europe/Paris\n", ERR_USAGE, msg, sizeof(msg));
	assert_string_equal(msg, "unknown time zone 'Europe/Paris?': give an IANA "
			    "name such as Europe/Paris or an offset such as +02:00");
	/* well-formed names that name no zone */
	expect_load_fail("Mars/Olympus_Mons", ERR_USAGE, msg, sizeof(msg));
	assert_string_equal(msg, "unknown time zone 'Mars/Olympus_Mons': give an "
			    "IANA name such as Europe/Paris or an offset such as "
			    "+02:00");
	expect_load_fail("Europe", ERR_USAGE, NULL, 0);      /* a folder */
	expect_load_fail("Europe/", ERR_USAGE, NULL, 0);
	expect_load_fail("Europe/Paris/x", ERR_USAGE, NULL, 0);
	/* a long name is cut in the message */
	char longname[300];
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	expect_load_fail(longname, ERR_USAGE, msg, sizeof(msg));
	assert_true(strlen(msg) < 200);
}

static void test_lookup_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		struct tz *tz = load(lookups[i].zone);
		struct tz_info in;
		tz_lookup(tz, lookups[i].utc_s, &in);
		if (in.offset_s != lookups[i].offset_s ||
		    strcmp(in.abbr, lookups[i].abbr) != 0)
			print_error("%s at %lld: %d %s, want %d %s\n",
				    lookups[i].zone, (long long)lookups[i].utc_s,
				    (int)in.offset_s, in.abbr,
				    (int)lookups[i].offset_s, lookups[i].abbr);
		assert_int_equal(in.offset_s, lookups[i].offset_s);
		assert_string_equal(in.abbr, lookups[i].abbr);
		tz_free(tz);
	}
}

static void test_conversion_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(conversions) / sizeof(conversions[0]); i++) {
		struct tz *tz = load(conversions[i].zone);
		int64_t e = 0, l = 0;
		int rc_e = tz_local_to_utc(tz, conversions[i].local_s, TZ_EARLIER, &e);
		int rc_l = tz_local_to_utc(tz, conversions[i].local_s, TZ_LATER, &l);
		if (rc_e != conversions[i].rc || e != conversions[i].earlier ||
		    l != conversions[i].later)
			print_error("%s local %lld: rc %d %lld/%lld, want %d "
				    "%lld/%lld\n", conversions[i].zone,
				    (long long)conversions[i].local_s, rc_e,
				    (long long)e, (long long)l, conversions[i].rc,
				    (long long)conversions[i].earlier,
				    (long long)conversions[i].later);
		assert_int_equal(rc_e, conversions[i].rc);
		assert_int_equal(rc_l, conversions[i].rc);
		assert_int_equal(e, conversions[i].earlier);
		assert_int_equal(l, conversions[i].later);
		tz_free(tz);
	}
}

/* One zone's gap and overlap, all in local minutes of the given day. */
static void check_dst(const char *zone, int64_t gap_local, int64_t gap_utc,
		      int64_t twice_local, int64_t twice_earlier,
		      int64_t twice_later)
{
	struct tz *tz = load(zone);
	int64_t u;
	assert_int_equal(tz_local_to_utc(tz, gap_local, TZ_EARLIER, &u), 2);
	assert_int_equal(u, gap_utc);
	assert_int_equal(tz_local_to_utc(tz, gap_local, TZ_LATER, &u), 2);
	assert_int_equal(u, gap_utc);
	assert_int_equal(tz_local_to_utc(tz, twice_local, TZ_EARLIER, &u), 1);
	assert_int_equal(u, twice_earlier);
	assert_int_equal(tz_local_to_utc(tz, twice_local, TZ_LATER, &u), 1);
	assert_int_equal(u, twice_later);
	/* one hour before the gap, and a day after the overlap: once */
	assert_int_equal(tz_local_to_utc(tz, gap_local - 3600, TZ_LATER, &u), 0);
	assert_int_equal(tz_local_to_utc(tz, twice_local + 86400, TZ_LATER, &u), 0);
	tz_free(tz);
}

static void test_dst(void **state)
{
	(void)state;
	/* Paris: 02:30 on 2026-03-29 never happened; it reads as 03:30 CEST,
	 * 01:30Z. 02:30 on 2026-10-25 happened at 00:30Z and at 01:30Z. */
	check_dst("Europe/Paris", utc_of(2026, 3, 29, 2, 30), utc_of(2026, 3, 29, 1, 30),
		  utc_of(2026, 10, 25, 2, 30), utc_of(2026, 10, 25, 0, 30),
		  utc_of(2026, 10, 25, 1, 30));
	/* New York: 02:30 on 2026-03-08 -> 03:30 EDT = 07:30Z; 01:30 on
	 * 2026-11-01 was 05:30Z (EDT) and 06:30Z (EST). */
	check_dst("America/New_York", utc_of(2026, 3, 8, 2, 30),
		  utc_of(2026, 3, 8, 7, 30), utc_of(2026, 11, 1, 1, 30),
		  utc_of(2026, 11, 1, 5, 30), utc_of(2026, 11, 1, 6, 30));
	/* Lord Howe, a 30-minute shift: 02:15 on 2026-10-04 -> 02:45 (+11) =
	 * 15:45Z the day before; 01:45 on 2026-04-05 at +11 and at +10:30. */
	check_dst("Australia/Lord_Howe", utc_of(2026, 10, 4, 2, 15),
		  utc_of(2026, 10, 3, 15, 45), utc_of(2026, 4, 5, 1, 45),
		  utc_of(2026, 4, 4, 14, 45), utc_of(2026, 4, 4, 15, 15));
	/* Chatham, +12:45/+13:45: 03:00 on 2026-09-27 never happened; 03:00
	 * on 2026-04-05 happened at +13:45 and at +12:45. */
	check_dst("Pacific/Chatham", utc_of(2026, 9, 27, 3, 0),
		  utc_of(2026, 9, 26, 14, 15), utc_of(2026, 4, 5, 3, 0),
		  utc_of(2026, 4, 4, 13, 15), utc_of(2026, 4, 4, 14, 15));
	/* the same far in the future, from the footer: Paris 2045-03-26 and
	 * 2045-10-29 */
	check_dst("Europe/Paris", utc_of(2045, 3, 26, 2, 30), utc_of(2045, 3, 26, 1, 30),
		  utc_of(2045, 10, 29, 2, 30), utc_of(2045, 10, 29, 0, 30),
		  utc_of(2045, 10, 29, 1, 30));

	/* Kolkata has had no DST since 1945 */
	struct tz *tz = load("Asia/Kolkata");
	int64_t u;
	assert_int_equal(tz_local_to_utc(tz, utc_of(2026, 10, 31, 20, 50), TZ_LATER,
					 &u), 0);
	assert_int_equal(u, utc_of(2026, 10, 31, 15, 20));
	struct tz_info in;
	tz_lookup(tz, 1793479800, &in);
	assert_int_equal(in.offset_s, 19800);
	assert_string_equal(in.abbr, "IST");
	tz_free(tz);
}

static void test_footer_far_future(void **state)
{
	(void)state;
	struct tz *tz = load("Europe/Paris");
	struct tz_info in;
	assert_string_equal(tz_name(tz), "Europe/Paris");
	tz_lookup(tz, utc_of(2045, 7, 1, 12, 0), &in);
	assert_int_equal(in.offset_s, 7200);
	assert_int_equal(in.is_dst, 1);
	assert_string_equal(in.abbr, "CEST");
	tz_lookup(tz, utc_of(2045, 12, 1, 12, 0), &in);
	assert_int_equal(in.offset_s, 3600);
	assert_int_equal(in.is_dst, 0);
	assert_string_equal(in.abbr, "CET");
	/* 2045: last Sundays are March 26 and October 29, both at 01:00Z */
	tz_lookup(tz, utc_of(2045, 3, 26, 0, 59) + 59, &in);
	assert_int_equal(in.offset_s, 3600);
	tz_lookup(tz, utc_of(2045, 3, 26, 1, 0), &in);
	assert_int_equal(in.offset_s, 7200);
	tz_lookup(tz, utc_of(2045, 10, 29, 0, 59) + 59, &in);
	assert_int_equal(in.offset_s, 7200);
	tz_lookup(tz, utc_of(2045, 10, 29, 1, 0), &in);
	assert_int_equal(in.offset_s, 3600);
	/* year 9999 and beyond still answer */
	tz_lookup(tz, utc_of(9999, 7, 1, 0, 0), &in);
	assert_int_equal(in.offset_s, 7200);
	tz_lookup(tz, INT64_MAX, &in);
	tz_lookup(tz, INT64_MIN, &in);
	int64_t u;
	tz_local_to_utc(tz, INT64_MAX, TZ_EARLIER, &u);
	tz_local_to_utc(tz, INT64_MIN, TZ_LATER, &u);
	tz_free(tz);

	/* Dublin's negative DST: winter GMT is the "daylight" type */
	tz = load("Europe/Dublin");
	tz_lookup(tz, utc_of(2050, 1, 15, 12, 0), &in);
	assert_int_equal(in.offset_s, 0);
	assert_string_equal(in.abbr, "GMT");
	tz_lookup(tz, utc_of(2050, 7, 15, 12, 0), &in);
	assert_int_equal(in.offset_s, 3600);
	assert_string_equal(in.abbr, "IST");
	tz_free(tz);
}

/* A TZif v2 file with no transitions, one type and a footer. */
static size_t make_tzif(unsigned char *buf, size_t cap, int32_t off,
			const char *abbr, const char *footer)
{
	size_t n = 0, alen = strlen(abbr) + 1;
	assert_true(cap > 2 * (44 + 6 + alen) + strlen(footer) + 2);
	for (int part = 0; part < 2; part++) {
		memset(buf + n, 0, 44);
		memcpy(buf + n, "TZif2", 5);
		buf[n + 39] = 1;                          /* typecnt */
		buf[n + 43] = (unsigned char)alen;        /* charcnt */
		n += 44;
		buf[n++] = (unsigned char)((uint32_t)off >> 24);
		buf[n++] = (unsigned char)((uint32_t)off >> 16);
		buf[n++] = (unsigned char)((uint32_t)off >> 8);
		buf[n++] = (unsigned char)off;
		buf[n++] = 0;
		buf[n++] = 0;
		memcpy(buf + n, abbr, alen);
		n += alen;
	}
	buf[n++] = '\n';
	memcpy(buf + n, footer, strlen(footer));
	n += strlen(footer);
	buf[n++] = '\n';
	return n;
}

static struct tz *load_footer(const char *footer, int32_t off, const char *abbr)
{
	unsigned char buf[512];
	size_t n = make_tzif(buf, sizeof(buf), off, abbr, footer);
	struct err e = ERR_INIT;
	struct tz *tz = NULL;
	if (tz_load_buffer(&tz, "test", buf, n, &e) < 0)
		print_error("footer '%s': %s\n", footer, e.msg);
	assert_non_null(tz);
	return tz;
}

static void expect_offset(const struct tz *tz, int64_t t, int32_t off,
			  int is_dst, const char *abbr)
{
	struct tz_info in;
	tz_lookup(tz, t, &in);
	if (in.offset_s != off || in.is_dst != is_dst || strcmp(in.abbr, abbr))
		print_error("at %lld: %d %d %s, want %d %d %s\n", (long long)t,
			    (int)in.offset_s, in.is_dst, in.abbr, (int)off,
			    is_dst, abbr);
	assert_int_equal(in.offset_s, off);
	assert_int_equal(in.is_dst, is_dst);
	assert_string_equal(in.abbr, abbr);
}

static void test_posix_footers(void **state)
{
	(void)state;
	/* Mm.w.d with a /time, as in Europe/Paris */
	struct tz *tz = load_footer("CET-1CEST,M3.5.0,M10.5.0/3", 3600, "CET");
	expect_offset(tz, utc_of(2026, 3, 29, 1, 0) - 1, 3600, 0, "CET");
	expect_offset(tz, utc_of(2026, 3, 29, 1, 0), 7200, 1, "CEST");
	expect_offset(tz, utc_of(2026, 10, 25, 1, 0) - 1, 7200, 1, "CEST");
	expect_offset(tz, utc_of(2026, 10, 25, 1, 0), 3600, 0, "CET");
	tz_free(tz);

	/* a quoted name, minutes, no DST */
	tz = load_footer("<+0530>-5:30", 19800, "+0530");
	expect_offset(tz, 0, 19800, 0, "+0530");
	expect_offset(tz, utc_of(2080, 6, 1, 0, 0), 19800, 0, "+0530");
	tz_free(tz);
	tz = load_footer("<-03>3", -10800, "-03");
	expect_offset(tz, utc_of(2080, 6, 1, 0, 0), -10800, 0, "-03");
	tz_free(tz);

	/* Jn: day 60 is March 1 even in a leap year */
	tz = load_footer("EST5EDT,J60/2,J300/2", -18000, "EST");
	expect_offset(tz, utc_of(2024, 3, 1, 7, 0) - 1, -18000, 0, "EST");
	expect_offset(tz, utc_of(2024, 3, 1, 7, 0), -14400, 1, "EDT");
	/* J300 is October 27 in every year; 02:00 EDT = 06:00Z */
	expect_offset(tz, utc_of(2026, 10, 27, 6, 0) - 1, -14400, 1, "EDT");
	expect_offset(tz, utc_of(2026, 10, 27, 6, 0), -18000, 0, "EST");
	expect_offset(tz, utc_of(2024, 10, 27, 6, 0), -18000, 0, "EST");
	tz_free(tz);

	/* n: zero-based, counting February 29: 59 is Feb 29 in 2024 */
	tz = load_footer("EST5EDT,59/2,299/2", -18000, "EST");
	expect_offset(tz, utc_of(2024, 2, 29, 7, 0) - 1, -18000, 0, "EST");
	expect_offset(tz, utc_of(2024, 2, 29, 7, 0), -14400, 1, "EDT");
	expect_offset(tz, utc_of(2026, 3, 1, 7, 0) - 1, -18000, 0, "EST");
	expect_offset(tz, utc_of(2026, 3, 1, 7, 0), -14400, 1, "EDT");
	tz_free(tz);

	/* southern hemisphere with an explicit DST offset and minutes */
	tz = load_footer("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", 45900,
			 "+1245");
	expect_offset(tz, utc_of(2050, 1, 1, 0, 0), 49500, 1, "+1345");
	expect_offset(tz, utc_of(2050, 6, 1, 0, 0), 45900, 0, "+1245");
	tz_free(tz);

	/* RFC 8536 times: negative and past 24 h (America/Nuuk style) */
	tz = load_footer("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200, "-02");
	/* 2026-03-29 is the last Sunday of March; -1:00 local = Mar 28 23:00
	 * at -02 = Mar 29 01:00Z */
	expect_offset(tz, utc_of(2026, 3, 29, 1, 0) - 1, -7200, 0, "-02");
	expect_offset(tz, utc_of(2026, 3, 29, 1, 0), -3600, 1, "-01");
	tz_free(tz);
	tz = load_footer("XXX3YYY,M3.2.0/26,M11.1.0/-25:30", -10800, "XXX");
	/* 2026-03-08 26:00 at -3 = Mar 9 05:00Z */
	expect_offset(tz, utc_of(2026, 3, 9, 5, 0) - 1, -10800, 0, "XXX");
	expect_offset(tz, utc_of(2026, 3, 9, 5, 0), -7200, 1, "YYY");
	tz_free(tz);

	/* no dates: the POSIX default (US rules) */
	tz = load_footer("EST5EDT", -18000, "EST");
	expect_offset(tz, utc_of(2026, 3, 8, 7, 0), -14400, 1, "EDT");
	expect_offset(tz, utc_of(2026, 11, 1, 6, 0), -18000, 0, "EST");
	tz_free(tz);

	/* all year DST (RFC 8536 example) */
	tz = load_footer("EST5EDT,0/0,J365/25", -14400, "EDT");
	expect_offset(tz, utc_of(2050, 1, 1, 12, 0), -14400, 1, "EDT");
	expect_offset(tz, utc_of(2050, 7, 1, 12, 0), -14400, 1, "EDT");
	expect_offset(tz, utc_of(2050, 12, 31, 23, 0), -14400, 1, "EDT");
	tz_free(tz);

	/* and local times through a footer-only zone */
	tz = load_footer("CET-1CEST,M3.5.0,M10.5.0/3", 3600, "CET");
	int64_t u;
	assert_int_equal(tz_local_to_utc(tz, utc_of(2060, 3, 28, 2, 30), TZ_EARLIER,
					 &u), 2);
	assert_int_equal(u, utc_of(2060, 3, 28, 1, 30));
	assert_int_equal(tz_local_to_utc(tz, utc_of(2060, 10, 31, 2, 30), TZ_LATER,
					 &u), 1);
	assert_int_equal(u, utc_of(2060, 10, 31, 1, 30));
	tz_free(tz);

	/* bad footers are ERR_DATA */
	static const char *const bad[] = {
		"garbage", "CE-1", "CET", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
		"CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0",
		"CET-1CEST,J0,J365", "CET-1CEST,J366,J1", "CET-1CEST,366,1",
		"CET-25", "CET-1CEST,M3.5.0/168,M10.5.0", "<+05", "<>5",
		"<+05>5x", "CET-1CEST,M3.5.0,M10.5.0/3x", "CET-1:60",
		"ABCDEFGHIJKLMNOPQ-1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned char buf[512];
		size_t n = make_tzif(buf, sizeof(buf), 3600, "CET", bad[i]);
		struct err e = ERR_INIT;
		struct tz *t2 = (struct tz *)0x1;
		if (tz_load_buffer(&t2, "Bad/Footer", buf, n, &e) != -1)
			print_error("footer '%s' accepted\n", bad[i]);
		assert_null(t2);
		assert_int_equal(e.code, ERR_DATA);
		assert_string_equal(e.msg, "cannot read time zone 'Bad/Footer': "
				    "a bad TZ string footer");
	}
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void tmp_zone_dir(char *dir, size_t cap)
{
	mkdir(VMPM_TEST_TMP, 0777);
	snprintf(dir, cap, "%s/tzdir", VMPM_TEST_TMP);
	mkdir(dir, 0777);
	char sub[600];
	snprintf(sub, sizeof(sub), "%s/Europe", dir);
	mkdir(sub, 0777);
}

static void test_tzdir_and_corrupt(void **state)
{
	(void)state;
	size_t len;
	unsigned char *paris = read_all("/usr/share/zoneinfo/Europe/Paris", &len);
	char dir[512], path[700], msg[768];
	tmp_zone_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/Europe/Paris", dir);

	/* an intact copy under $TZDIR loads */
	write_file(path, paris, len);
	setenv("TZDIR", dir, 1);
	struct tz *tz = load("Europe/Paris");
	struct tz_info in;
	tz_lookup(tz, 1793479800, &in);
	assert_int_equal(in.offset_s, 3600);
	tz_free(tz);
	/* zones missing from $TZDIR are unknown there */
	expect_load_fail("America/New_York", ERR_USAGE, NULL, 0);

	/* a truncated copy is ERR_DATA, naming the zone */
	write_file(path, paris, len / 2);
	expect_load_fail("Europe/Paris", ERR_DATA, msg, sizeof(msg));
	assert_non_null(strstr(msg, "cannot read time zone 'Europe/Paris': "));
	write_file(path, paris, len - 1);
	expect_load_fail("Europe/Paris", ERR_DATA, msg, sizeof(msg));
	assert_string_equal(msg, "cannot read time zone 'Europe/Paris': missing "
			    "the TZ string footer");
	write_file(path, "", 0);
	expect_load_fail("Europe/Paris", ERR_DATA, msg, sizeof(msg));
	assert_string_equal(msg, "cannot read time zone 'Europe/Paris': not a "
			    "TZif file");
	write_file(path, "Europe/Paris\n", 13);
	expect_load_fail("Europe/Paris", ERR_DATA, NULL, 0);

	/* too large */
	unsigned char *big = calloc(1, TZ_FILE_MAX + 10);
	assert_non_null(big);
	memcpy(big, paris, len);
	write_file(path, big, TZ_FILE_MAX + 10);
	expect_load_fail("Europe/Paris", ERR_LIMIT, NULL, 0);
	free(big);

	/* unreadable is ERR_IO (not when running as root, who reads anything) */
	write_file(path, paris, len);
	chmod(path, 0);
	FILE *probe = fopen(path, "rb");
	if (!probe)
		expect_load_fail("Europe/Paris", ERR_IO, NULL, 0);
	else
		fclose(probe);
	chmod(path, 0644);
	unsetenv("TZDIR");

	/* every proper prefix of a real file is refused cleanly */
	for (size_t n = 0; n < len; n++) {
		struct err e = ERR_INIT;
		tz = (struct tz *)0x1;
		assert_int_equal(tz_load_buffer(&tz, "Europe/Paris", paris, n, &e), -1);
		assert_null(tz);
		assert_int_equal(e.code, ERR_DATA);
	}
	free(paris);
}

/* Offsets inside the Paris file, from its two headers. */
static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static size_t v1_block_len(const unsigned char *h)
{
	return get32(h + 32) * 5 + get32(h + 36) * 6 + get32(h + 40) +
	       get32(h + 28) * 8 + get32(h + 24) + get32(h + 20);
}

static void expect_buffer_fail(const unsigned char *buf, size_t len,
			       const char *why)
{
	struct err e = ERR_INIT;
	struct tz *tz = (struct tz *)0x1;
	assert_int_equal(tz_load_buffer(&tz, "Europe/Paris", buf, len, &e), -1);
	assert_null(tz);
	assert_int_equal(e.code, ERR_DATA);
	if (why && !strstr(e.msg, why))
		print_error("'%s' does not say '%s'\n", e.msg, why);
	if (why)
		assert_non_null(strstr(e.msg, why));
}

static void test_corrupt_fields(void **state)
{
	(void)state;
	size_t len;
	unsigned char *orig = read_all("/usr/share/zoneinfo/Europe/Paris", &len);
	unsigned char *b = malloc(len);
	assert_non_null(b);
	size_t h2 = 44 + v1_block_len(orig);
	assert_int_equal(memcmp(orig + h2, "TZif", 4), 0);
	uint32_t timecnt = get32(orig + h2 + 32), typecnt = get32(orig + h2 + 36);
	size_t data2 = h2 + 44;

	/* huge counts in either header */
	static const size_t count_at[] = { 20, 24, 28, 32, 36, 40 };
	for (size_t k = 0; k < 6; k++) {
		memcpy(b, orig, len);
		put32(b + count_at[k], 0xffffffffu);
		expect_buffer_fail(b, len, NULL);
		memcpy(b, orig, len);
		put32(b + h2 + count_at[k], 0xffffffffu);
		expect_buffer_fail(b, len, NULL);
		memcpy(b, orig, len);
		put32(b + h2 + count_at[k], 0x7fffffffu);
		expect_buffer_fail(b, len, NULL);
	}
	/* no types */
	memcpy(b, orig, len);
	put32(b + h2 + 36, 0);
	expect_buffer_fail(b, len, NULL);
	/* transitions out of order */
	memcpy(b, orig, len);
	memcpy(b + data2 + 8 * 5, b + data2 + 8 * 4, 8);
	expect_buffer_fail(b, len, "transitions out of order");
	/* a transition naming a type that does not exist */
	memcpy(b, orig, len);
	b[data2 + 8 * timecnt + 3] = (unsigned char)typecnt;
	expect_buffer_fail(b, len, "a transition names a missing type");
	/* an absurd offset */
	memcpy(b, orig, len);
	put32(b + data2 + 9 * timecnt, 0x7fffffffu);
	expect_buffer_fail(b, len, "a local time type is out of range");
	/* a bad second magic, an unknown version */
	memcpy(b, orig, len);
	b[h2] = 'X';
	expect_buffer_fail(b, len, "missing the version 2 header");
	memcpy(b, orig, len);
	b[4] = '1';
	expect_buffer_fail(b, len, "unknown TZif version");
	/* a bad footer */
	memcpy(b, orig, len);
	b[len - 3] = '!';
	expect_buffer_fail(b, len, "a bad TZ string footer");

	/* a v1-only file: the first header and block, version byte 0 */
	memcpy(b, orig, h2);
	b[4] = '\0';
	struct err e = ERR_INIT;
	struct tz *tz = NULL;
	assert_int_equal(tz_load_buffer(&tz, "Europe/Paris", b, h2, &e), 0);
	struct tz_info in;
	tz_lookup(tz, utc_of(2026, 7, 1, 0, 0), &in);
	assert_int_equal(in.offset_s, 7200);
	assert_string_equal(in.abbr, "CEST");
	tz_lookup(tz, utc_of(2026, 12, 1, 0, 0), &in);
	assert_int_equal(in.offset_s, 3600);
	int64_t u;
	assert_int_equal(tz_local_to_utc(tz, utc_of(2026, 10, 25, 2, 30), TZ_LATER,
					 &u), 1);
	assert_int_equal(u, utc_of(2026, 10, 25, 1, 30));
	tz_free(tz);

	/* every single-byte change of a real file: no crash, no leak */
	for (size_t i = 0; i < len; i++) {
		static const unsigned char vals[] = { 0x00, 0xff };
		for (size_t v = 0; v < sizeof(vals); v++) {
			memcpy(b, orig, len);
			b[i] = vals[v];
			e = (struct err)ERR_INIT;
			tz = NULL;
			if (tz_load_buffer(&tz, "x", b, len, &e) == 0) {
				tz_lookup(tz, 1793479800, &in);
				tz_local_to_utc(tz, 1793479800, TZ_EARLIER, &u);
				tz_free(tz);
			} else {
				assert_null(tz);
				assert_true(e.code == ERR_DATA);
			}
		}
	}
	free(b);
	free(orig);
}

/*
 * A slim copy of a fat TZif file: the 64-bit table cut before `cutoff`, as
 * `zic -b slim` writes it, leaving later instants to the footer rule.
 */
static unsigned char *make_slim(const unsigned char *fat, size_t len,
				int64_t cutoff, size_t *out_len)
{
	size_t h2 = 44 + v1_block_len(fat), d2 = h2 + 44;
	uint32_t timecnt = get32(fat + h2 + 32), typecnt = get32(fat + h2 + 36);
	uint32_t charcnt = get32(fat + h2 + 40), isstd = get32(fat + h2 + 24);
	uint32_t isut = get32(fat + h2 + 20);
	assert_int_equal(get32(fat + h2 + 28), 0);       /* no leap seconds */
	uint32_t keep = 0;
	while (keep < timecnt) {
		const unsigned char *t = fat + d2 + 8 * (size_t)keep;
		int64_t v = (int64_t)((uint64_t)get32(t) << 32 | get32(t + 4));
		if (v >= cutoff)
			break;
		keep++;
	}
	unsigned char *out = malloc(len);
	assert_non_null(out);
	size_t n = d2;
	memcpy(out, fat, d2);
	put32(out + h2 + 32, keep);
	memcpy(out + n, fat + d2, 8 * (size_t)keep);
	n += 8 * (size_t)keep;
	memcpy(out + n, fat + d2 + 8 * (size_t)timecnt, keep);
	n += keep;
	size_t rest = (size_t)typecnt * 6 + charcnt + isstd + isut;
	memcpy(out + n, fat + d2 + 9 * (size_t)timecnt, rest);
	n += rest;
	size_t footer = d2 + 9 * (size_t)timecnt + rest;
	memcpy(out + n, fat + footer, len - footer);
	n += len - footer;
	*out_len = n;
	return out;
}

static void test_slim_file(void **state)
{
	(void)state;
	static const char *const zones[] = { "Europe/Paris", "America/New_York",
					     "Australia/Lord_Howe" };
	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		char path[256];
		size_t len, slim_len;
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zones[z]);
		unsigned char *fat_buf = read_all(path, &len);
		unsigned char *slim_buf = make_slim(fat_buf, len,
						    utc_of(2008, 1, 1, 0, 0), &slim_len);
		assert_true(slim_len < len);
		struct err e = ERR_INIT;
		struct tz *fat = NULL, *slim = NULL;
		assert_int_equal(tz_load_buffer(&fat, zones[z], fat_buf, len, &e), 0);
		assert_int_equal(tz_load_buffer(&slim, zones[z], slim_buf, slim_len,
						&e), 0);
		/* every 11 hours from 1990 to 2110 */
		for (int64_t t = utc_of(1990, 1, 1, 0, 0); t < utc_of(2110, 1, 1, 0, 0);
		     t += 11 * 3600 + 17) {
			struct tz_info a, b;
			tz_lookup(fat, t, &a);
			tz_lookup(slim, t, &b);
			if (a.offset_s != b.offset_s || strcmp(a.abbr, b.abbr))
				print_error("%s at %lld: fat %d %s, slim %d %s\n",
					    zones[z], (long long)t, (int)a.offset_s,
					    a.abbr, (int)b.offset_s, b.abbr);
			assert_int_equal(a.offset_s, b.offset_s);
			assert_int_equal(a.is_dst, b.is_dst);
			assert_string_equal(a.abbr, b.abbr);
		}
		/* every 15 local minutes of 2026 and 2051, through all the gaps
		 * and overlaps */
		for (int64_t l = utc_of(2026, 1, 1, 0, 0); l < utc_of(2052, 1, 1, 0, 0);
		     l += l == utc_of(2027, 1, 1, 0, 0) ? utc_of(2051, 1, 1, 0, 0) - l
							: 900) {
			for (int pick = TZ_EARLIER; pick <= TZ_LATER; pick++) {
				int64_t a, b;
				int ra = tz_local_to_utc(fat, l, pick, &a);
				int rb = tz_local_to_utc(slim, l, pick, &b);
				assert_int_equal(ra, rb);
				assert_int_equal(a, b);
			}
		}
		tz_free(fat);
		tz_free(slim);
		free(fat_buf);
		free(slim_buf);
	}
}

static void test_local_time_in_zone(void **state)
{
	(void)state;
	struct tz *paris = load("Europe/Paris");
	struct tz *ny = load("America/New_York");
	struct tz *lh = load("Australia/Lord_Howe");
	char buf[128];
	ts_format(buf, sizeof(buf), "%F %T %Z %z", 1793479800000LL, paris);
	assert_string_equal(buf, "2026-10-31 21:50:00 CET +0100");
	ts_format(buf, sizeof(buf), "%a %e %b %R %Z %z", 1793479800000LL, ny);
	assert_string_equal(buf, "Sat 31 Oct 16:50 EDT -0400");
	ts_format(buf, sizeof(buf), "%F %T %Z %z %a %j", 1793479800000LL, lh);
	assert_string_equal(buf, "2026-11-01 07:50:00 +11 +1100 Sun 305");
	/* summer in the footer's years */
	ts_format(buf, sizeof(buf), "%F %T %Z", utc_of(2045, 7, 1, 12, 0) * 1000,
		  paris);
	assert_string_equal(buf, "2045-07-01 14:00:00 CEST");
	struct ts_local t;
	ts_to_local(1793479800125LL, ny, &t);
	assert_int_equal(t.hour, 16);
	assert_int_equal(t.ms, 125);
	assert_int_equal(t.zone.offset_s, -14400);
	assert_int_equal(t.zone.is_dst, 1);
	tz_free(paris);
	tz_free(ny);
	tz_free(lh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utc),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_names_refused),
		cmocka_unit_test(test_lookup_table),
		cmocka_unit_test(test_conversion_table),
		cmocka_unit_test(test_dst),
		cmocka_unit_test(test_footer_far_future),
		cmocka_unit_test(test_posix_footers),
		cmocka_unit_test(test_tzdir_and_corrupt),
		cmocka_unit_test(test_corrupt_fields),
		cmocka_unit_test(test_local_time_in_zone),
		cmocka_unit_test(test_slim_file),
	};
	unsetenv("TZDIR");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
