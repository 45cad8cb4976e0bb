/* tests/check_models_readyq.c - per-processor ready lists (layer: tests).
 * Checks R4.3 (32 FIFO lists, summary bit set iff list non-empty) and R4.4
 * (selection: highest summary bit >= threshold, head of that list).
 * SPDX-License-Identifier: MIT */
#include <string.h>

#define MODELS_INTERNAL
#include "models/models_int.h"
#include "tests/check.h"

static struct ke_thread th[6];

static void setup(void)
{
    memset(th, 0, sizeof th);
    int prio[6] = {8, 8, 12, 3, 12, 31};
    for (int i = 0; i < 6; i++) {
        th[i].priority = prio[i];
        th[i].affinity = 1ull << (i % 2);
    }
}

START_TEST(test_readyq_summary_tracks_nonempty_lists_r4_3)
{
    struct ke_readyq q;
    ke__readyq_init(&q);
    ck_assert_uint_eq(q.summary, 0);
    ke__readyq_insert(&q, &th[0], false);
    ke__readyq_insert(&q, &th[2], false);
    ck_assert_uint_eq(q.summary, (1u << 8) | (1u << 12));
    ke__readyq_remove(&q, &th[2]);
    ck_assert_uint_eq(q.summary, 1u << 8);
    ke__readyq_insert(&q, &th[5], false);
    ck_assert_uint_eq(q.summary, (1u << 8) | (1u << 31));
    ck_assert_int_eq(ke__readyq_top(&q), 31);
    ck_assert_uint_eq(q.count, 2);
}
END_TEST

START_TEST(test_readyq_select_highest_then_fifo_r4_4)
{
    struct ke_readyq q;
    ke__readyq_init(&q);
    ke__readyq_insert(&q, &th[0], false);
    ke__readyq_insert(&q, &th[2], false);
    ke__readyq_insert(&q, &th[4], false);
    ke__readyq_insert(&q, &th[3], false);
    ck_assert_ptr_eq(ke__readyq_peek(&q, 0), &th[2]); /* 12, first in */
    ck_assert_ptr_null(ke__readyq_peek(&q, 13));      /* threshold above the top */
    ke__readyq_remove(&q, &th[2]);
    ck_assert_ptr_eq(ke__readyq_peek(&q, 12), &th[4]);
}
END_TEST

START_TEST(test_readyq_head_insert_goes_first_r2_7)
{
    struct ke_readyq q;
    ke__readyq_init(&q);
    ke__readyq_insert(&q, &th[0], false);
    ke__readyq_insert(&q, &th[1], true);
    ck_assert_ptr_eq(ke__readyq_peek(&q, 0), &th[1]);
}
END_TEST

START_TEST(test_readyq_first_for_respects_affinity_r4_6)
{
    struct ke_readyq q;
    ke__readyq_init(&q);
    ke__readyq_insert(&q, &th[2], false); /* 12 on cpu 0 only */
    ke__readyq_insert(&q, &th[4], false); /* 12 on cpu 0 only */
    ke__readyq_insert(&q, &th[1], false); /* 8 on cpu 1 only */
    ck_assert_ptr_eq(ke__readyq_first_for(&q, 1), &th[1]);
    ck_assert_ptr_eq(ke__readyq_first_for(&q, 0), &th[2]);
    ck_assert_ptr_null(ke__readyq_first_for(&q, 2));
}
END_TEST

Suite *readyq_suite(void)
{
    Suite *s = suite_create("readyq");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_readyq_summary_tracks_nonempty_lists_r4_3);
    tcase_add_test(tc, test_readyq_select_highest_then_fifo_r4_4);
    tcase_add_test(tc, test_readyq_head_insert_goes_first_r2_7);
    tcase_add_test(tc, test_readyq_first_for_respects_affinity_r4_6);
    suite_add_tcase(s, tc);
    return s;
}
