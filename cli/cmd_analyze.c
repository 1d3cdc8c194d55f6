/*
 * vmpostmortem analyze: find the incident in one VM's history and name the
 * resource that ran out, with the evidence. The analyzer (report/analyze.h)
 * produces the numbers and verdicts; this file only words them for the
 * terminal, or prints the analyzer's JSON.
 */
#include "cli/cli.h"
#include "report/analyze.h"
#include "report/strbuf.h"
#include "report/tstamp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmpostmortem analyze [--vm ID] [--from T] [--to T] [--at T]\n"
		"                            [--format text|json] [input options] FILE...\n\n"
		"Finds the incident in one VM's history (when the service lost throughput,\n"
		"or a resource saturated beyond its normal), names the resource that ran out\n"
		"(cpu, memory, disk, network, steal, or none), rules out the others with the\n"
		"numbers, and says what to change.\n\n"
		"  --vm ID              the VM (needed when the input holds several)\n"
		"  --from T, --to T     analyze only this window (default: the whole history)\n"
		"  --at T               when the customer reported it (\"around 20:50\"): a hint;\n"
		"                       the onset snaps to the change nearest to it\n"
		"  --format text|json   a terminal summary (default) or JSON on stdout\n"
		"  --json               the same as --format json\n"
		"  --capacity FILE      each VM's capacity, CSV vm,vcpus,memory_bytes[,...]\n\n"
		"Other input options are those of 'vmpostmortem --help'.\n\n"
		"Exit codes: 0 analysed (also when there was no incident), 1 no data for the\n"
		"VM, 2 usage, 3 input unreadable, 4 input malformed, 5 limit exceeded.\n");
}

/* --- wording helpers: units come from the metric's name ------------------- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static void add_bytes(struct strbuf *sb, double b)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;
	while (fabs(b) >= 1024 && u + 1 < sizeof(units) / sizeof(*units)) {
		b /= 1024;
		u++;
	}
	strbuf_addf(sb, u && fabs(b) < 10 ? "%.2f %s" : u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

static void add_value(struct strbuf *sb, const char *metric, double v)
{
	if (isnan(v)) {
		strbuf_addstr(sb, "?");
		return;
	}
	if (ends_with(metric, "_bytes_per_s")) {
		add_bytes(sb, v);
		strbuf_addstr(sb, "/s");
	} else if (ends_with(metric, "_bytes")) {
		add_bytes(sb, v);
	} else if (ends_with(metric, "_pct")) {
		strbuf_addf(sb, "%.1f%%", v);
	} else if (ends_with(metric, "_ms")) {
		strbuf_addf(sb, "%.1f ms", v);
	} else if (ends_with(metric, "_per_s")) {
		strbuf_addf(sb, "%.1f/s", v);
	} else {
		strbuf_addf(sb, "%.4g", v);
	}
}

static void add_time(struct strbuf *sb, int64_t ms, const struct tz *zone)
{
	char buf[64];
	if (zone) {
		ts_format(buf, sizeof(buf), "%F %R %Z", ms, zone);
		strbuf_addstr(sb, buf);
	} else {
		strbuf_addstr(sb, ts_format_rfc3339(ms, buf));
	}
}

static void add_clock(struct strbuf *sb, int64_t ms, const struct tz *zone)
{
	char buf[32];
	ts_format(buf, sizeof(buf), "%R", ms, zone);
	strbuf_addstr(sb, buf);
}

static void add_lead(struct strbuf *sb, int64_t lead_ms)
{
	if (lead_ms == INT64_MIN)
		return;
	long min = (long)(lead_ms / 60000);
	if (min > 0)
		strbuf_addf(sb, ", %ld min before the onset", min);
	else if (min < 0)
		strbuf_addf(sb, ", %ld min after the onset", -min);
	else
		strbuf_addstr(sb, ", at the onset");
}

/* One evidence record, worded for the terminal. */
static void text_evidence(struct strbuf *sb, const struct evidence *ev, const struct tz *zone)
{
	const char *m = ev->metric;
	strbuf_addstr(sb, "      - ");
	switch (ev->kind) {
	case EVIDENCE_PER_VCPU:
		strbuf_addstr(sb, "per vCPU, before -> during:");
		for (size_t i = 0; i < ev->n_vcpus; i++) {
			strbuf_addf(sb, "%s vcpu%d %.0f%% -> %.0f%%", i ? "," : "",
				    ev->vcpus[i].vcpu, ev->vcpus[i].baseline, ev->vcpus[i].incident);
			if (i >= 7 && ev->n_vcpus > 9) {
				strbuf_addf(sb, ", ... (%zu vCPUs)", ev->n_vcpus);
				break;
			}
		}
		break;
	case EVIDENCE_PINNED_VCPU:
		strbuf_addf(sb, "vcpu%d at %.0f%% while the others averaged %.0f%% (its normal %.0f%%)",
			    ev->vcpu, ev->value, ev->share, ev->baseline);
		break;
	case EVIDENCE_CHANGE_VS_BASELINE:
		strbuf_addf(sb, "%s: normal ", m);
		add_value(sb, m, ev->baseline);
		strbuf_addstr(sb, " (");
		add_value(sb, m, ev->baseline_q1);
		strbuf_addstr(sb, " - ");
		add_value(sb, m, ev->baseline_q3);
		strbuf_addstr(sb, "), during ");
		add_value(sb, m, ev->value);
		if (!isnan(ev->change) && ev->baseline > 0)
			strbuf_addf(sb, " (x%.2g)", ev->change);
		if (ev->started_ms != INT64_MIN) {
			strbuf_addstr(sb, ", rising from ");
			add_clock(sb, ev->started_ms, zone);
			add_lead(sb, ev->lead_ms);
		}
		break;
	case EVIDENCE_SAME_TIME_OF_DAY:
		strbuf_addf(sb, "%s: same hours on %.0f earlier days ", m, ev->share);
		add_value(sb, m, ev->baseline);
		strbuf_addstr(sb, ", during ");
		add_value(sb, m, ev->value);
		break;
	case EVIDENCE_PEAK_VS_CAPACITY:
		strbuf_addf(sb, "%s: %s ", m, ev->stat == STAT_PEAK ? "peak" : "median");
		add_value(sb, m, ev->value);
		strbuf_addstr(sb, " of ");
		add_value(sb, m, ev->capacity);
		if (!isnan(ev->share))
			strbuf_addf(sb, " (%.0f%%)", 100 * ev->share);
		break;
	case EVIDENCE_GROWTH:
		strbuf_addf(sb, "%s grew from ", m);
		add_value(sb, m, ev->baseline);
		strbuf_addstr(sb, " to ");
		add_value(sb, m, ev->value);
		if (ev->started_ms != INT64_MIN) {
			strbuf_addstr(sb, " starting ");
			add_clock(sb, ev->started_ms, zone);
			add_lead(sb, ev->lead_ms);
		}
		break;
	case EVIDENCE_FLAT_TOP:
		strbuf_addf(sb, "%s flat at ", m);
		add_value(sb, m, ev->value);
		strbuf_addf(sb, " for %.0f%% of the incident (normal ", 100 * ev->share);
		add_value(sb, m, ev->baseline);
		strbuf_addstr(sb, "): a limit");
		break;
	case EVIDENCE_SHARP_DROP:
		strbuf_addf(sb, "memory fell from %.0f%% to %.0f%% at ", ev->baseline, ev->value);
		add_clock(sb, ev->started_ms, zone);
		strbuf_addstr(sb, ": processes killed");
		break;
	case EVIDENCE_LEADS_SYMPTOM:
		strbuf_addf(sb, "%s changed first at ", m);
		add_clock(sb, ev->started_ms, zone);
		add_lead(sb, ev->lead_ms);
		break;
	case EVIDENCE_BUSY_ALL_ALONG:
		strbuf_addf(sb, "%s was as high before the incident (%.0f%% of the time): its normal",
			    m, 100 * ev->share);
		break;
	case EVIDENCE_RECURRING:
		strbuf_addf(sb, "%s: the same on %.0f%% of earlier days", m, 100 * ev->share);
		break;
	case EVIDENCE_EVENT:
		add_time(sb, ev->started_ms, zone);
		strbuf_addf(sb, " %s: %s", m, ev->message ? ev->message : "");
		break;
	case EVIDENCE_REPEAT:
		add_time(sb, ev->started_ms, zone);
		strbuf_addf(sb, " the symptom again (%s", *m ? m : "a logged kill");
		if (!isnan(ev->change))
			strbuf_addf(sb, " at %.0f%% of the hour before", 100 * ev->change);
		strbuf_addstr(sb, "): the same incident");
		break;
	default:
		strbuf_addstr(sb, analysis_evidence_name(ev->kind));
		break;
	}
	strbuf_addch(sb, '\n');
}

static void text_rec(struct strbuf *sb, const struct recommendation *r)
{
	strbuf_addstr(sb, "  - ");
	switch (r->kind) {
	case REC_MEMORY_SIZE:
		strbuf_addstr(sb, "memory: ");
		add_value(sb, "_bytes", r->current);
		strbuf_addstr(sb, " -> ");
		add_value(sb, "_bytes", r->recommended);
		strbuf_addstr(sb, " (peak demand ");
		add_value(sb, "_bytes", r->demand);
		strbuf_addf(sb, " used + swap, plus %.0f%%)", 100 * r->headroom);
		break;
	case REC_VCPU_COUNT:
		strbuf_addf(sb, "vCPUs: %.0f -> %.0f (all were saturated)", r->current, r->recommended);
		break;
	case REC_SINGLE_THREAD:
		strbuf_addf(sb, "one thread pinned vcpu%d: more vCPUs will not help; "
			    "parallelise or speed up that work", r->vcpu);
		break;
	case REC_MOVE_HOST:
		strbuf_addf(sb, "steal %.0f%%: move the VM to a less busy host", r->current);
		break;
	case REC_DISK_LIMIT:
	case REC_NETWORK_LIMIT:
		strbuf_addf(sb, "%s limit reached: %s at ",
			    r->kind == REC_DISK_LIMIT ? "disk" : "network", r->metric);
		add_value(sb, r->metric, r->current);
		strbuf_addstr(sb, "; raise the limit or spread the load");
		break;
	case REC_APPLICATION:
		strbuf_addstr(sb, "no resource ran out: look at the application "
				   "(logs, deadlocks, dependencies)");
		break;
	}
	strbuf_addch(sb, '\n');
}

static void text_analysis(struct strbuf *sb, const struct analysis *a, const struct tz *zone)
{
	strbuf_addf(sb, "vm %s, ", a->vm);
	add_time(sb, a->from_ms, zone);
	strbuf_addstr(sb, " to ");
	add_time(sb, a->to_ms, zone);
	if (a->vcpus > 0)
		strbuf_addf(sb, ", %g vCPU%s", a->vcpus, a->vcpus == 1 ? "" : "s");
	if (!isnan(a->mem_bytes)) {
		strbuf_addstr(sb, ", ");
		add_bytes(sb, a->mem_bytes);
	}
	strbuf_addch(sb, '\n');
	if (!a->has_incident) {
		strbuf_addstr(sb, "no incident: throughput never fell and nothing saturated beyond "
				   "its normal\n");
		if (a->dq.hint_unmatched)
			strbuf_addstr(sb, "nothing changed near the --at time\n");
		return;
	}
	const struct incident *in = &a->incident;
	strbuf_addstr(sb, "incident: ");
	add_time(sb, in->onset_ms, zone);
	strbuf_addstr(sb, " to ");
	add_time(sb, in->end_ms, zone);
	strbuf_addf(sb, " (%ld min)\n", (long)((in->end_ms - in->onset_ms) / 60000));
	if (in->kind == SYMPTOM_THROUGHPUT_DROP) {
		strbuf_addf(sb, "symptom: %s fell from ", in->metric);
		add_value(sb, in->metric, in->baseline);
		strbuf_addstr(sb, " to ");
		add_value(sb, in->metric, in->during);
		if (!isnan(in->change))
			strbuf_addf(sb, " (%.0f%% of the hour before)", 100 * in->change);
	} else {
		strbuf_addf(sb, "symptom: %s saturated (%s)", analysis_resource_name(in->saturated),
			    in->metric);
	}
	strbuf_addch(sb, '\n');
	strbuf_addf(sb, "bottleneck: %s, confidence %.2f (%s)\n",
		    analysis_resource_name(a->bottleneck), a->confidence,
		    analysis_level_name(a->level));
	for (size_t i = 0; i < ANALYSIS_N_RESOURCES; i++) {
		const struct resource_result *r = &a->resources[i];
		strbuf_addf(sb, "  %-8s %s", analysis_resource_name(r->resource),
			    analysis_verdict_name(r->verdict));
		if (r->verdict == VERDICT_CONSEQUENCE)
			strbuf_addf(sb, " of %s", analysis_resource_name(r->explained_by));
		strbuf_addch(sb, '\n');
		for (size_t k = 0; k < r->n_evidence; k++)
			text_evidence(sb, &r->evidence[k], zone);
	}
	if (in->n_evidence)
		strbuf_addstr(sb, "events during the incident:\n");
	for (size_t k = 0; k < in->n_evidence; k++)
		text_evidence(sb, &in->evidence[k], zone);
	strbuf_addstr(sb, "recommendations:\n");
	for (size_t i = 0; i < a->n_recs; i++)
		text_rec(sb, &a->recs[i]);
	if (a->dq.gaps_in_incident || a->dq.resets_in_incident)
		strbuf_addf(sb, "data: %zu gap(s) and %zu counter reset(s) inside the incident "
			    "lower the confidence\n", a->dq.gaps_in_incident, a->dq.resets_in_incident);
	if (a->dq.hint_unmatched)
		strbuf_addstr(sb, "nothing changed near the --at time; this is the clearest "
				   "incident elsewhere\n");
	/* the caps on the confidence (analyze.h, struct confidence_factors) */
	if (a->factors.baseline_days < 3)
		strbuf_addf(sb, "confidence capped: %.1f days of history before the onset are too "
			    "few to know the daily rhythm\n", a->factors.baseline_days);
	if (a->bottleneck == RESOURCE_NONE)
		strbuf_addstr(sb, "confidence capped: \"none\" is never high, the data can only "
				   "fail to show a resource running out\n");
}

int cmd_analyze(int argc, char **argv)
{
	struct cli_input in;
	int json = 0, code;
	const char *at_arg = NULL, *v;
	cli_input_init(&in);
	for (int i = 1; i < argc; i++) {
		int rc = cli_input_option(&in, argc, argv, &i);
		if (rc < 0)
			return EXIT_USAGE;
		if (rc > 0)
			continue;
		if ((rc = cli_opt_value(argc, argv, &i, "--at", &v)) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			at_arg = v;
		} else if ((rc = cli_opt_value(argc, argv, &i, "--format", &v)) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			if (!strcmp(v, "json"))
				json = 1;
			else if (!strcmp(v, "text"))
				json = 0;
			else {
				cli_error("--format must be 'text' or 'json', not '%s'", v);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option '%s' for analyze; see 'vmpostmortem analyze --help'",
				  argv[i]);
			return EXIT_USAGE;
		} else if (cli_input_file(&in, argv[i]) < 0) {
			return EXIT_USAGE;
		}
	}
	struct store *st;
	if ((code = cli_load(&in, &st)) != EXIT_OK) {
		cli_input_release(&in);
		return code;
	}
	struct analyze_opts o = ANALYZE_OPTS_INIT;
	o.from_ms = in.o.from_ms;
	o.to_ms = in.o.to_ms;
	if (at_arg) {
		if (cli_parse_time(&in, "--at", at_arg, &o.at_ms) < 0) {
			store_free(st);
			cli_input_release(&in);
			return EXIT_USAGE;
		}
		o.has_at = 1;
	}
	const struct vm *vm = cli_pick_vm(st, in.o.vm, &code);
	if (!vm) {
		store_free(st);
		cli_input_release(&in);
		return code;
	}
	struct err e = ERR_INIT;
	struct analysis *a;
	if (analyze_vm(vm, &o, &a, &e) < 0) {
		code = e.code == ERR_DATA ? (cli_error("%s", e.msg), EXIT_NOTHING) : cli_fail(&e);
		store_free(st);
		cli_input_release(&in);
		return code;
	}
	struct strbuf sb = STRBUF_INIT;
	if (json)
		analysis_to_json(a, &sb);
	else
		text_analysis(&sb, a, in.zone);
	if (fwrite(sb.buf, 1, sb.len, stdout) != sb.len || fflush(stdout) != 0) {
		cli_error("cannot write to standard output");
		code = EXIT_OUTPUT;
	}
	strbuf_release(&sb);
	analysis_free(a);
	store_free(st);
	cli_input_release(&in);
	return code;
}
