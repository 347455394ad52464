/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host shim: enough of the KUnit API of Linux 6.1 to run a KUnit suite
 * under cmocka. Every case (and every parameter of a parameterised case)
 * becomes one cmocka test; a failed expectation fails the test.
 */
#ifndef _HOST_KUNIT_TEST_H
#define _HOST_KUNIT_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/types.h>

#define KUNIT_PARAM_DESC_SIZE	128
#define GFP_KERNEL		0

struct kunit {
	const char *name;
	const void *param_value;
	void *allocs[64];
	unsigned int nallocs;
	int failed;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char name[256];
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_PARAM(fn, gen) \
	{ .run_case = fn, .name = #fn, .generate_params = gen }

#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		__typeof__((array)[0]) *__next = prev ?			\
			((__typeof__(__next))prev) + 1 : (array);	\
		if ((size_t)(__next - (array)) < ARRAY_SIZE((array))) {	\
			void (*__get_desc)(__typeof__(__next), char *) =	\
				get_desc;				\
			if (__get_desc)					\
				__get_desc(__next, desc);		\
			return __next;					\
		}							\
		return NULL;						\
	}

extern struct kunit_suite *host_kunit_suite;
#define kunit_test_suite(s)	struct kunit_suite *host_kunit_suite = &(s)

static inline void *kunit_kzalloc(struct kunit *test, size_t size, int gfp)
{
	void *p = calloc(1, size);

	(void)gfp;
	if (p && test->nallocs < ARRAY_SIZE(test->allocs))
		test->allocs[test->nallocs++] = p;
	return p;
}

#define HOST_KUNIT_FAIL(test, ...) do {					\
	print_error("%s:%d: ", __FILE__, __LINE__);			\
	print_error(__VA_ARGS__);					\
	print_error("\n");						\
	(test)->failed = 1;						\
} while (0)

#define HOST_KUNIT_BIN(test, a, op, b) do {				\
	__typeof__(a) __a = (a);					\
	__typeof__(b) __b = (b);					\
	if (!((long long)__a op (long long)__b))					\
		HOST_KUNIT_FAIL(test, "expected %s %s %s: %lld vs %lld",	\
				#a, #op, #b, (long long)__a,		\
				(long long)__b);			\
} while (0)

#define KUNIT_EXPECT_EQ(t, a, b)	HOST_KUNIT_BIN(t, a, ==, b)
#define KUNIT_EXPECT_NE(t, a, b)	HOST_KUNIT_BIN(t, a, !=, b)
#define KUNIT_EXPECT_LT(t, a, b)	HOST_KUNIT_BIN(t, a, <, b)
#define KUNIT_EXPECT_LE(t, a, b)	HOST_KUNIT_BIN(t, a, <=, b)
#define KUNIT_EXPECT_GT(t, a, b)	HOST_KUNIT_BIN(t, a, >, b)
#define KUNIT_EXPECT_GE(t, a, b)	HOST_KUNIT_BIN(t, a, >=, b)
#define KUNIT_EXPECT_TRUE(t, c)	do {					\
	if (!(c))							\
		HOST_KUNIT_FAIL(t, "expected %s", #c);			\
} while (0)
#define KUNIT_EXPECT_FALSE(t, c)	do {				\
	if (c)								\
		HOST_KUNIT_FAIL(t, "expected !(%s)", #c);		\
} while (0)
#define KUNIT_EXPECT_STREQ(t, a, b)	do {				\
	const char *__a = (a), *__b = (b);				\
	if (!__a || !__b || strcmp(__a, __b))				\
		HOST_KUNIT_FAIL(t, "expected %s == %s: \"%s\" vs \"%s\"", \
				#a, #b, __a ? __a : "(null)",		\
				__b ? __b : "(null)");			\
} while (0)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p)	do {			\
	if (!(p))							\
		fail_msg("%s is NULL", #p);				\
} while (0)
#define KUNIT_ASSERT_EQ(t, a, b)	do {				\
	KUNIT_EXPECT_EQ(t, a, b);					\
	if ((t)->failed)						\
		fail();							\
} while (0)

#endif
