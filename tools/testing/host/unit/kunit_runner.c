// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a KUnit suite of drivers/power/supply/ (SUITE_FILE) on the
 * host under cmocka: one cmocka test per case and per parameter. Prints
 * "RESULT <suite> passed=N failed=M" for the Makefile's tally.
 */
#include <kunit/test.h>

#ifndef SUITE_FILE
#define SUITE_FILE "smartbms_core_test.c"
#endif
#include SUITE_FILE

struct host_case {
	struct kunit_case *kc;
	const void *param;
};

static void host_run(void **state)
{
	struct host_case *hc = *state;
	struct kunit test = { .name = hc->kc->name,
			      .param_value = hc->param };
	unsigned int i;

	hc->kc->run_case(&test);
	for (i = 0; i < test.nallocs; i++)
		free(test.allocs[i]);
	if (test.failed)
		fail();
}

int main(void)
{
	struct kunit_suite *s = host_kunit_suite;
	struct CMUnitTest *tests = NULL;
	struct host_case *hcs = NULL;
	size_t n = 0, cap = 0;
	struct kunit_case *kc;
	int failed;

	for (kc = s->test_cases; kc->run_case; kc++) {
		const void *param = NULL;
		char desc[KUNIT_PARAM_DESC_SIZE];

		do {
			char *name;

			if (kc->generate_params) {
				desc[0] = '\0';
				param = kc->generate_params(param, desc);
				if (!param)
					break;
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				tests = realloc(tests, cap * sizeof(*tests));
				hcs = realloc(hcs, cap * sizeof(*hcs));
				if (!tests || !hcs)
					return 2;
			}
			name = malloc(strlen(kc->name) + sizeof(desc) + 4);
			if (!name)
				return 2;
			if (kc->generate_params)
				sprintf(name, "%s [%s]", kc->name, desc);
			else
				strcpy(name, kc->name);
			hcs[n].kc = kc;
			hcs[n].param = param;
			memset(&tests[n], 0, sizeof(tests[n]));
			tests[n].name = name;
			tests[n].test_func = host_run;
			n++;
		} while (kc->generate_params);
	}
	/* hcs may have moved: attach states now */
	for (size_t i = 0; i < n; i++)
		tests[i].initial_state = &hcs[i];
	failed = _cmocka_run_group_tests(s->name, tests, n, NULL, NULL);
	printf("RESULT unit(%s) passed=%zu failed=%d\n", s->name,
	       n - failed, failed);
	return failed ? 1 : 0;
}
