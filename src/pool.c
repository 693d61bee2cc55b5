#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "pool.h"

struct queue {
	struct br_pool_job	*head, *tail;
};

struct br_pool {
	pthread_mutex_t		 mu;	/* guards todo, done, closing, poke */
	pthread_cond_t		 cv_todo;
	pthread_cond_t		 cv_done;
	struct queue		 todo;
	struct queue		 done;
	int			 closing;
	int			 poke;
	br_pool_run_fn		 run;
	br_pool_ctx_new_fn	 ctx_new;
	br_pool_ctx_free_fn	 ctx_free;
	void			*arg;
	pthread_t		*threads;
	int			 nthreads;
};

static void
queue_push(struct queue *q, struct br_pool_job *j)
{
	j->_next = NULL;
	if (q->tail != NULL)
		q->tail->_next = j;
	else
		q->head = j;
	q->tail = j;
}

static struct br_pool_job *
queue_pop(struct queue *q)
{
	struct br_pool_job *j = q->head;

	if (j != NULL) {
		q->head = j->_next;
		if (q->head == NULL)
			q->tail = NULL;
		j->_next = NULL;
	}
	return j;
}

static void *
worker(void *vp)
{
	struct br_pool *p = vp;
	struct br_pool_job *job;
	void *wctx = NULL;

	if (p->ctx_new != NULL)
		wctx = p->ctx_new(p->arg);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->todo.head == NULL && !p->closing)
			pthread_cond_wait(&p->cv_todo, &p->mu);
		job = queue_pop(&p->todo);	/* NULL: closing, drained */
		pthread_mutex_unlock(&p->mu);
		if (job == NULL)
			break;
		p->run(job, wctx, p->arg);	/* the work, unlocked */
		pthread_mutex_lock(&p->mu);
		queue_push(&p->done, job);	/* main thread's again */
		pthread_cond_signal(&p->cv_done);
		pthread_mutex_unlock(&p->mu);
	}
	if (p->ctx_free != NULL)
		p->ctx_free(wctx);
	return NULL;
}

struct br_pool *
br_pool_new(int n, br_pool_run_fn run, br_pool_ctx_new_fn ctx_new,
    br_pool_ctx_free_fn ctx_free, void *arg)
{
	struct br_pool *p;
	int i;

	if (n < 1 || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->threads = calloc((size_t)n, sizeof(*p->threads))) == NULL) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv_todo, NULL);
	pthread_cond_init(&p->cv_done, NULL);
	p->run = run;
	p->ctx_new = ctx_new;
	p->ctx_free = ctx_free;
	p->arg = arg;
	for (i = 0; i < n; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		br_pool_free(p);
		return NULL;
	}
	return p;
}

void
br_pool_submit(struct br_pool *p, struct br_pool_job *job)
{
	pthread_mutex_lock(&p->mu);
	queue_push(&p->todo, job);
	pthread_cond_signal(&p->cv_todo);
	pthread_mutex_unlock(&p->mu);
}

struct br_pool_job *
br_pool_collect(struct br_pool *p, int64_t timeout_ms)
{
	struct br_pool_job *job;
	struct timespec ts;

	if (timeout_ms >= 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(timeout_ms / 1000);
		ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&p->mu);
	while (p->done.head == NULL && !p->poke) {
		if (timeout_ms < 0)
			pthread_cond_wait(&p->cv_done, &p->mu);
		else if (pthread_cond_timedwait(&p->cv_done, &p->mu, &ts) ==
		    ETIMEDOUT)
			break;
	}
	p->poke = 0;
	job = queue_pop(&p->done);
	pthread_mutex_unlock(&p->mu);
	return job;
}

void
br_pool_interrupt(struct br_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->poke = 1;
	pthread_cond_signal(&p->cv_done);
	pthread_mutex_unlock(&p->mu);
}

void
br_pool_free(struct br_pool *p)
{
	int i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	pthread_cond_broadcast(&p->cv_todo);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->cv_todo);
	pthread_cond_destroy(&p->cv_done);
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p);
}
