/*
 * vmpostmortem: the command table.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "inspect", cmd_inspect, "what an export holds: VMs, metrics, ranges, gaps, diagnostics" },
	{ "analyze", cmd_analyze, "find the incident and name the resource that ran out" },
	{ "report", cmd_report, "render the PDF postmortem" },
	{ "chart", cmd_chart, "draw one annotated graph to PNG, SVG or PDF" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vmpostmortem COMMAND [OPTIONS] FILE...\n\n"
		   "Turns a virtual machine's exported metric history into a postmortem.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\nInput (every command that reads data):\n"
		"  FILE...               CSV (long: timestamp,vm,metric,value; wide: timestamp,<metric>...)\n"
		"                        or SQLite; the format is found from the content; - is stdin\n"
		"  --vm ID               the VM to read (needed when the input holds several)\n"
		"  --from T, --to T      keep only this window, both ends included (RFC 3339, or as\n"
		"                        in the data)\n"
		"  --tz ZONE             IANA zone of naive timestamps and of the report (default UTC)\n"
		"  --date-order dmy|mdy  how to read 31/10/2026-style dates that could be either\n"
		"  --events FILE         events CSV: timestamp,vm,source,message\n"
		"  --sqlite-query SQL    read another schema: SQL with :vm :from :to (epoch seconds;\n"
		"                        :from_ms :to_ms in ms) returning ts,metric,value\n"
		"  --vcpus N, --memory SIZE   the VM's capacity, over the data's (e.g. 4, 0.5; 4GiB)\n"
		"  --capacity FILE       each VM's capacity, CSV vm,vcpus,memory_bytes and optional\n"
		"                        swap_bytes,disk_iops,disk_bytes_per_s,net_bytes_per_s;\n"
		"                        over the data's, a warning when the data says otherwise\n"
		"\nExit codes:\n"
		"  0 ok, 1 nothing found (no such VM, no data), 2 usage, 3 input unreadable,\n"
		"  4 input malformed, 5 limit exceeded, 6 template error, 7 output not written,\n"
		"  70 internal error\n"
		"\n'vmpostmortem COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vmpostmortem %s\n", VMPM_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	cli_error("unknown command '%s'; see 'vmpostmortem --help'", argv[1]);
	return EXIT_USAGE;
}
