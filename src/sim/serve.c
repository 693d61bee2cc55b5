/*
 * serve.c - libmicrohttpd's callbacks: a request's life from its URI to
 * its answer, the timer thread that resumes the waiting answers, and the
 * drain at a stop.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "datetime.h"
#include "sim.h"

static double
epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* --- the timer ---------------------------------------------------------- */

void *
sim_timer_main(void *vp)
{
	struct sim *s = vp;
	struct sim_rq *due, *r;
	struct timespec ts;
	int64_t now;

	pthread_mutex_lock(&s->tmu);
	for (;;) {
		now = br_mono_ms();
		due = NULL;
		while (s->thead != NULL && (s->stopping ||
		    s->thead->deadline <= now)) {
			r = s->thead;
			s->thead = r->next;
			r->next = due;
			due = r;
		}
		if (due != NULL) {
			/* resumed outside the lock: MHD takes its own */
			pthread_mutex_unlock(&s->tmu);
			for (; due != NULL; due = r) {
				r = due->next;
				due->next = NULL;
				MHD_resume_connection(due->conn);
			}
			pthread_mutex_lock(&s->tmu);
			continue;
		}
		if (s->stopping)
			break;
		if (s->thead == NULL) {
			pthread_cond_wait(&s->tcv, &s->tmu);
			continue;
		}
		memset(&ts, 0, sizeof(ts));
		br_timespec_add_ms(&ts, s->thead->deadline);
		pthread_cond_timedwait(&s->tcv, &s->tmu, &ts);
	}
	pthread_mutex_unlock(&s->tmu);
	return NULL;
}

/* Suspends the connection until rq's deadline; 0 if it was not suspended
 * (the simulator is stopping: answer now). */
static int
delay_start(struct sim *s, struct MHD_Connection *c, struct sim_rq *rq)
{
	struct sim_rq **pp;

	pthread_mutex_lock(&s->tmu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->tmu);
		return 0;
	}
	rq->conn = c;
	rq->deadline = br_mono_ms() + rq->ans.delay_ms;
	rq->phase = SIM_PH_DELAYED;
	MHD_suspend_connection(c);
	for (pp = &s->thead; *pp != NULL && (*pp)->deadline <= rq->deadline;
	    pp = &(*pp)->next)
		;
	rq->next = *pp;
	*pp = rq;
	pthread_cond_signal(&s->tcv);
	pthread_mutex_unlock(&s->tmu);
	return 1;
}


static enum MHD_Result
send_answer(struct sim_rq *rq, struct MHD_Connection *c)
{
	struct sim_answer *a = &rq->ans;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t i;

	if (a->status == 0)
		return MHD_NO;			/* drop the connection */
	if (a->owned) {
		resp = MHD_create_response_from_buffer_with_free_callback(
		    a->len, a->body, free);
		if (resp != NULL) {
			a->owned = 0;		/* MHD frees it now */
			a->body = NULL;
		}
	} else
		resp = MHD_create_response_from_buffer(a->len,
		    a->body != NULL ? a->body : (char *)(uintptr_t)"",
		    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	if (rq->sent_rid[0] != '\0')
		MHD_add_response_header(resp, "X-Request-Id", rq->sent_rid);
	if (a->ctype != NULL)
		MHD_add_response_header(resp, "Content-Type", a->ctype);
	for (i = 0; i < a->nhdrs; i++) {
		if (strcasecmp(a->hdrs[i].name, "X-Request-Id") != 0)
			MHD_add_response_header(resp, a->hdrs[i].name,
			    a->hdrs[i].value);
	}
	ret = MHD_queue_response(c, (unsigned)a->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result
sim_on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct sim *s = cls;
	struct sim_rq *rq = *con_cls;

	(void)url;			/* decoded: we route on the raw URI */
	(void)version;
	if (rq == NULL)
		return MHD_NO;
	switch (rq->phase) {
	case SIM_PH_NEW:
		rq->phase = SIM_PH_BODY;
		return MHD_YES;
	case SIM_PH_BODY:
		if (*upload_size > 0) {
			if (!rq->too_big && rq->body.len + *upload_size >
			    s->conf.max_body) {
				rq->too_big = 1;
				br_strbuf_release(&rq->body);
			}
			if (!rq->too_big)
				br_strbuf_add(&rq->body, upload, *upload_size);
			*upload_size = 0;
			return MHD_YES;
		}
		sim_decide(s, c, rq, method);
		if (rq->ans.delay_ms > 0 && delay_start(s, c, rq))
			return MHD_YES;
		return send_answer(rq, c);
	default:
		return send_answer(rq, c);	/* resumed after the wait */
	}
}

void *
sim_on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct sim *s = cls;
	struct sim_rq *rq;

	(void)c;
	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		return NULL;
	if ((rq->uri = strdup(uri)) == NULL) {
		free(rq);
		return NULL;
	}
	rq->time_ms = epoch_ms();
	pthread_mutex_lock(&s->mu);
	s->active++;
	pthread_mutex_unlock(&s->mu);
	return rq;
}

void
sim_on_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct sim *s = cls;
	struct sim_rq *rq = *con_cls;

	(void)c;
	(void)toe;
	if (rq == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->active--;
	pthread_mutex_unlock(&s->mu);
	sim_answer_release(&rq->ans);
	br_strbuf_release(&rq->body);
	free(rq->uri);
	free(rq);
	*con_cls = NULL;
}

/* --- start and stop ----------------------------------------------------- */

void
sim_timer_stop(struct sim *s)
{
	pthread_mutex_lock(&s->tmu);
	s->stopping = 1;
	pthread_cond_signal(&s->tcv);
	pthread_mutex_unlock(&s->tmu);
	pthread_join(s->tthread, NULL);
}

void
sim_drain(struct sim *s)
{
	struct timespec pause = { 0, 10 * 1000000L };
	long active;
	int i;

	for (i = 0; i < SIM_DRAIN_MS / 10; i++) {
		pthread_mutex_lock(&s->mu);
		active = s->active;
		pthread_mutex_unlock(&s->mu);
		if (active <= 0)
			return;
		nanosleep(&pause, NULL);
	}
}
