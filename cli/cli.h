#ifndef VMPM_CLI_H
#define VMPM_CLI_H
/*
 * The command line: the only code that parses argv, prints and exits.
 *
 * One command per file (cli/cmd_NAME.c) with the fixed signature
 * `int cmd_NAME(int argc, char **argv)` returning the exit code, and one
 * table of commands in main.c.
 *
 * How to add a command: write cli/cmd_NAME.c, declare cmd_NAME below, add a
 * row to `commands[]` in main.c, document it in usage() there and in
 * doc/vmpostmortem.1, and add tests/cli/test_NAME.sh.
 *
 * Options shared by every command that reads data (--vm, --from, --to, --tz,
 * --date-order, --events, --sqlite-query, --vcpus, --memory, --capacity) are
 * parsed by cli_input_option and loaded by cli_load:
 *
 *   struct cli_input in;
 *   cli_input_init(&in);
 *   for (int i = 1; i < argc; i++) {
 *           int rc = cli_input_option(&in, argc, argv, &i);
 *           if (rc < 0) return EXIT_USAGE;
 *           if (rc > 0) continue;
 *           ... the command's own options, else a file: cli_input_file(&in, argv[i]);
 *   }
 *   struct store *st;
 *   int code = cli_load(&in, &st);       // prints its own errors
 *   if (code) return code;
 */
#include <stddef.h>
#include <stdint.h>

#include "importers/import.h"
#include "report/err.h"
#include "report/store.h"
#include "report/tz.h"

/* Exit codes, documented in usage() and the man page; see err_exit_code. */
enum {
	EXIT_OK = 0,
	EXIT_NOTHING = 1,   /* ran, but found nothing to report (no such VM, no data) */
	EXIT_USAGE = 2,
	EXIT_INPUT = 3,
	EXIT_MALFORMED = 4,
	EXIT_LIMIT = 5,
	EXIT_TEMPLATE = 6,
	EXIT_OUTPUT = 7,
	EXIT_INTERNAL = 70
};

int cmd_inspect(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_chart(int argc, char **argv);

#define CLI_MAX_FILES 64

struct cli_input {
	struct import_opts o;
	const char *files[CLI_MAX_FILES];
	size_t n_files;
	const char *events[CLI_MAX_FILES];
	size_t n_events;
	const char *tz_name;     /* as given, NULL = UTC */
	const char *from_arg;    /* --from/--to as given: read in cli_load, */
	const char *to_arg;      /* once the zone is known */
	struct tz *zone;         /* loaded by cli_load; freed by cli_input_release */
	double vcpus;            /* --vcpus override, 0 = none (may be fractional) */
	double mem_bytes;        /* --memory override, 0 = none */
	const char *capacity;    /* --capacity FILE, or NULL */
};

void cli_input_init(struct cli_input *in);
void cli_input_release(struct cli_input *in);

/*
 * Handles argv[*i] if it is a shared input option (consuming its value and
 * advancing *i). Returns 1 if handled, 0 if not an input option, -1 on a bad
 * value (the error is printed).
 */
int cli_input_option(struct cli_input *in, int argc, char **argv, int *i);

/* Adds an input file; -1 (printed) past CLI_MAX_FILES. */
int cli_input_file(struct cli_input *in, const char *path);

/* Loads every file and events file into a new store, finishes it, applies
 * the capacities of --capacity FILE and then of --vcpus/--memory over the
 * data's (a warning on stderr for each that disagrees with the data by more
 * than CAP_DISAGREE; rows of the file for VMs the data lacks are a store
 * diagnostic) and prints each error. Returns an exit code. */
int cli_load(struct cli_input *in, struct store **out);

/*
 * The VM to work on: --vm if given (error if absent from the data), else the
 * only VM. With several VMs and no --vm, prints their names and returns NULL.
 */
const struct vm *cli_pick_vm(const struct store *st, const char *vm_id, int *code);

/* -1 (printed) when out is one of the inputs: an output never overwrites
 * the data it was made from. */
int cli_check_output(const struct cli_input *in, const char *out);

/* Reads a time option (--from, --to, --at) in the input's zone and date
 * order, so call it after cli_load; -1 (printed, naming the option). */
int cli_parse_time(const struct cli_input *in, const char *name, const char *val, int64_t *out);

/* Matches "--name VALUE" and "--name=VALUE" at argv[*i]; sets *val. */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val);

/* Prints "vmpostmortem: MESSAGE" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints an error and returns its exit code. */
int cli_fail(const struct err *e);

/* Parses a size: "4GiB", "4G" (= GiB), "512MiB", "4294967296". */
int cli_parse_bytes(const char *s, double *out);

/*
 * Writes data to path atomically: a temporary file in the same folder,
 * fsync, then rename. On failure nothing is left behind. "-" is stdout.
 */
int cli_write_file(const char *path, const void *data, size_t len, struct err *e);

#endif
