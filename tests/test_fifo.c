#include <stddef.h>

#include <criterion/criterion.h>

#include "fifo.h"

struct item {
	struct br_fifo_link	 link;
	int			 n;
};

static int
pop_n(struct br_fifo *q)
{
	struct br_fifo_link *l = br_fifo_pop(q);

	return l != NULL ? ((struct item *)(void *)l)->n : -1;
}

Test(fifo, pops_in_the_order_pushed)
{
	struct br_fifo q = { NULL, NULL };
	struct item it[3] = { { { NULL }, 1 }, { { NULL }, 2 }, { { NULL }, 3 } };

	cr_assert_eq(pop_n(&q), -1);
	br_fifo_push(&q, &it[0].link);
	br_fifo_push(&q, &it[1].link);
	cr_assert_eq(pop_n(&q), 1);
	br_fifo_push(&q, &it[2].link);
	cr_assert_eq(pop_n(&q), 2);
	cr_assert_eq(pop_n(&q), 3);
	cr_assert_eq(pop_n(&q), -1);
	cr_assert_null(q.head);
	cr_assert_null(q.tail);
	br_fifo_push(&q, &it[0].link);	/* usable again once emptied */
	cr_assert_eq(pop_n(&q), 1);
}

Test(fifo, move_appends_all_and_empties_the_source)
{
	struct br_fifo a = { NULL, NULL }, b = { NULL, NULL };
	struct item it[4] = { { { NULL }, 1 }, { { NULL }, 2 },
	    { { NULL }, 3 }, { { NULL }, 4 } };

	br_fifo_move(&a, &b);			/* both empty */
	cr_assert_null(a.head);
	br_fifo_push(&b, &it[0].link);
	br_fifo_move(&a, &b);			/* into an empty one */
	cr_assert_null(b.head);
	cr_assert_null(b.tail);
	br_fifo_push(&a, &it[1].link);
	br_fifo_push(&b, &it[2].link);
	br_fifo_push(&b, &it[3].link);
	br_fifo_move(&a, &b);
	cr_assert_eq(pop_n(&a), 1);
	cr_assert_eq(pop_n(&a), 2);
	cr_assert_eq(pop_n(&a), 3);
	cr_assert_eq(pop_n(&a), 4);
	cr_assert_eq(pop_n(&a), -1);
}
