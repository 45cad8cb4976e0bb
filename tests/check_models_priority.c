/* tests/check_models_priority.c - base priorities and quantum tables (layer: tests).
 * Checks R1.3-R1.5 (all 6x7 class/relative combinations) and R2.4-R2.5.
 * SPDX-License-Identifier: MIT */
#include "models/models.h"
#include "tests/check.h"

static const int rel[7] = {KE_REL_IDLE,         KE_REL_LOWEST,  KE_REL_BELOW_NORMAL, KE_REL_NORMAL,
                           KE_REL_ABOVE_NORMAL, KE_REL_HIGHEST, KE_REL_TIME_CRITICAL};

/* R1.4's table, row per class (Idle .. Realtime), column per relative value. */
static const int expected[PS_CLASS_COUNT][7] = {
    {1, 2, 3, 4, 5, 6, 15},       {1, 4, 5, 6, 7, 8, 15},       {1, 6, 7, 8, 9, 10, 15},
    {1, 8, 9, 10, 11, 12, 15},    {1, 11, 12, 13, 14, 15, 15},  {16, 22, 23, 24, 25, 26, 31},
};

START_TEST(test_priority_class_bases_r1_3)
{
    ck_assert_int_eq(ps_class_base_priority(PS_CLASS_IDLE), 4);
    ck_assert_int_eq(ps_class_base_priority(PS_CLASS_BELOW_NORMAL), 6);
    ck_assert_int_eq(ps_class_base_priority(PS_CLASS_NORMAL), 8);
    ck_assert_int_eq(ps_class_base_priority(PS_CLASS_ABOVE_NORMAL), 10);
    ck_assert_int_eq(ps_class_base_priority(PS_CLASS_HIGH), 13);
    ck_assert_int_eq(ps_class_base_priority(PS_CLASS_REALTIME), 24);
}
END_TEST

START_TEST(test_priority_table_all_42_combinations_r1_4)
{
    for (int c = 0; c < PS_CLASS_COUNT; c++)
        for (int r = 0; r < 7; r++)
            ck_assert_msg(ke_base_priority((enum ps_priority_class)c, rel[r], NULL) == expected[c][r],
                          "class %d rel %d: got %d, want %d", c, rel[r],
                          ke_base_priority((enum ps_priority_class)c, rel[r], NULL), expected[c][r]);
}
END_TEST

START_TEST(test_priority_realtime_extra_relative_values_r1_4)
{
    ck_assert_int_eq(ke_base_priority(PS_CLASS_REALTIME, -7, NULL), 17);
    ck_assert_int_eq(ke_base_priority(PS_CLASS_REALTIME, 6, NULL), 30);
}
END_TEST

START_TEST(test_priority_saturation_flag_r1_5)
{
    int sat = 0;
    ck_assert_int_eq(ke_base_priority(PS_CLASS_HIGH, KE_REL_TIME_CRITICAL, &sat), 15);
    ck_assert_int_eq(sat, 1);
    ck_assert_int_eq(ke_base_priority(PS_CLASS_REALTIME, KE_REL_IDLE, &sat), 16);
    ck_assert_int_eq(sat, -1);
    ck_assert_int_eq(ke_base_priority(PS_CLASS_HIGH, KE_REL_HIGHEST, &sat), 15);
    ck_assert_int_eq(sat, 0); /* 13+2 reaches the edge without saturation */
}
END_TEST

START_TEST(test_quantum_client_defaults_r2_5)
{
    /* Win32PrioritySeparation 0x2: foreground 18 units, background 6 */
    ck_assert_int_eq(ke_quantum_for(2, false, true, PS_CLASS_NORMAL), 18);
    ck_assert_int_eq(ke_quantum_for(2, false, false, PS_CLASS_NORMAL), 6);
    /* an Idle-class process always gets 6 */
    ck_assert_int_eq(ke_quantum_for(2, false, true, PS_CLASS_IDLE), 6);
}
END_TEST

START_TEST(test_quantum_server_defaults_r2_5)
{
    ck_assert_int_eq(ke_quantum_for(2, true, true, PS_CLASS_NORMAL), 36);
    ck_assert_int_eq(ke_quantum_for(2, true, false, PS_CLASS_NORMAL), 36);
}
END_TEST

START_TEST(test_quantum_tables_r2_4)
{
    /* bits 4-5 length (1 long, 2 short), bits 2-3 (1 variable, 2 fixed) */
    ck_assert_int_eq(ke_quantum_for(0x20 | 0x08 | 1, false, true, PS_CLASS_NORMAL), 18); /* short fixed */
    ck_assert_int_eq(ke_quantum_for(0x20 | 0x04 | 1, false, true, PS_CLASS_NORMAL), 12); /* short var */
    ck_assert_int_eq(ke_quantum_for(0x10 | 0x04 | 1, false, true, PS_CLASS_NORMAL), 24); /* long var */
    ck_assert_int_eq(ke_quantum_for(0x10 | 0x04 | 2, false, false, PS_CLASS_NORMAL), 12);
    ck_assert_int_eq(ke_quantum_for(0x10 | 0x08 | 0, false, true, PS_CLASS_NORMAL), 36); /* long fixed */
    ck_assert_int_eq(ke_quantum_for(0x20 | 0x04 | 3, false, true, PS_CLASS_NORMAL), 18); /* 3 acts as 2 */
}
END_TEST

Suite *priority_suite(void)
{
    Suite *s = suite_create("priority");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_priority_class_bases_r1_3);
    tcase_add_test(tc, test_priority_table_all_42_combinations_r1_4);
    tcase_add_test(tc, test_priority_realtime_extra_relative_values_r1_4);
    tcase_add_test(tc, test_priority_saturation_flag_r1_5);
    tcase_add_test(tc, test_quantum_client_defaults_r2_5);
    tcase_add_test(tc, test_quantum_server_defaults_r2_5);
    tcase_add_test(tc, test_quantum_tables_r2_4);
    suite_add_tcase(s, tc);
    return s;
}
