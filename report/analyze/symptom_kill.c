/*
 * Symptom: a process killed (memory falling sharply from full, or a logged
 * OOM kill).
 */
#include "report/analyze/rules.h"
#include "report/xalloc.h"

#include <stdlib.h>

/* Samples where memory fell by mem_drop_pct points within <= 2 samples from
 * at least mem_drop_from_pct full (no gap between), and logged OOM kills. */
void az_find_kills(struct ctx *c, struct run **runs, size_t *n, size_t *cap)
{
	/* Only against the memory size: a fall from "the most it ever used" is
	 * as often a restart that freed a leak. */
	const struct sig *s = &c->s[SIG_MEM_PCT];
	enum sig_id id = SIG_MEM_PCT;
	double scale = 1;
	unsigned char *f = s->n ? xcalloc(s->n, 1) : NULL;
	for (size_t i = 0; i + 1 < s->n; i++) {
		if (s->v[i] * scale < T.mem_kill_from_pct)
			continue;
		for (size_t k = i + 1; k <= i + 2 && k < s->n; k++) {
			if (s->t[k] - s->t[i] > (int64_t)(k - i) * c->iv * 3 / 2)
				break;
			if ((s->v[i] - s->v[k]) * scale >= T.mem_drop_pct) {
				f[k] = 1;
				break;
			}
		}
	}
	for (size_t k = 0; k < s->n; k++) {
		if (!f[k] || (k && f[k - 1]))
			continue;
		if (az_routine_share(s, f, s->t[k], s->t[k]) >= T.routine_share)
			continue;   /* a nightly restart, not an incident */
		struct run run = { k, k, s->t[k], s->t[k], SYMPTOM_KILL, RESOURCE_MEMORY, id,
				   0, 2 };
		az_add_run(runs, n, cap, &run);
	}
	free(f);
	const struct vm *vm = c->vm;
	for (size_t i = 0; i < vm->n_events; i++) {
		const struct event *e = &vm->events[i];
		if (e->kind != EVENT_NOTE || e->t_ms < c->from || e->t_ms > c->to + c->iv)
			continue;
		int kill = 0;
		for (size_t k = 0; k < sizeof(event_rules) / sizeof(*event_rules); k++)
			kill |= event_rules[k].kill &&
				az_contains_ci(e->message, event_rules[k].needle);
		if (!kill)
			continue;
		int near = 0;
		for (size_t r = 0; r < *n; r++)
			near |= (*runs)[r].kind == SYMPTOM_KILL &&
				llabs((*runs)[r].t0 - e->t_ms) <= 2 * c->iv;
		if (near)
			continue;
		struct run run = { 0, 0, e->t_ms, e->t_ms, SYMPTOM_KILL, RESOURCE_MEMORY,
				   SIG_COUNT, 0, 1 };
		az_add_run(runs, n, cap, &run);
	}
}
