/*
 * http against a tiny HTTP/1.1 server on 127.0.0.1 in a thread of the
 * test: it reads whole requests, keeps the first one's text, and answers
 * each with a canned answer, at once or once `hold` requests wait.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <criterion/criterion.h>

#include "http.h"
#include "iam.h"

#define MAXC	32

struct srv {
	int		 lfd, port, stop[2];
	pthread_t	 th;
	const char	*answer;	/* NULL: close without answering */
	size_t		 answer_len;
	int		 hold;		/* answer once this many wait */
	int		 close_after;	/* close each connection after answering */
	int		 drop_nth;	/* close instead of answering the nth
					   request of a connection (0: never) */
	pthread_mutex_t	 mu;	/* guards the figures below */
	int		 accepts, requests;
	char		 first[4096];	/* the first request, headers + body */
	char		 url[64];
};

struct conn {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
	int	 waiting;	/* a whole request, not answered */
	int	 nreq;		/* requests read on this connection */
};

/* The first place of needle in hay (n bytes), any case, or NULL. */
static const char *
find(const char *hay, size_t n, const char *needle)
{
	size_t i, nl = strlen(needle);

	for (i = 0; i + nl <= n; i++)
		if (strncasecmp(hay + i, needle, nl) == 0)
			return hay + i;
	return NULL;
}

/* The request s saw first has this text, any case. */
static int
has(struct srv *s, const char *text)
{
	int yes;

	pthread_mutex_lock(&s->mu);
	yes = find(s->first, strlen(s->first), text) != NULL;
	pthread_mutex_unlock(&s->mu);
	return yes;
}

/* The length of the whole request at the start of c->buf, or 0. */
static size_t
request_len(const struct conn *c)
{
	const char *e, *cl;
	size_t head, body = 0;

	if ((e = find(c->buf, c->len, "\r\n\r\n")) == NULL)
		return 0;
	head = (size_t)(e - c->buf) + 4;
	for (cl = c->buf; cl < e; cl++)
		if (strncasecmp(cl, "\r\nContent-Length:", 17) == 0) {
			body = strtoul(cl + 17, NULL, 10);
			break;
		}
	return c->len >= head + body ? head + body : 0;
}

static void
answer(struct srv *s, struct conn *c)
{
	size_t off = 0;
	ssize_t n;

	if (s->answer == NULL || (s->drop_nth > 0 &&
	    c->nreq == s->drop_nth)) {
		close(c->fd);
		c->fd = -1;
		return;
	}
	while (off < s->answer_len) {
		n = write(c->fd, s->answer + off, s->answer_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	c->waiting = 0;
	if (s->close_after) {
		close(c->fd);
		c->fd = -1;
	}
}

static void *
serve(void *vp)
{
	struct srv *s = vp;
	struct conn c[MAXC];
	struct pollfd pf[MAXC + 2];
	size_t rl;
	ssize_t got;
	int i, n, nc = 0, waiting, map[MAXC + 2];

	memset(c, 0, sizeof(c));
	for (;;) {
		pf[0].fd = s->stop[0];
		pf[0].events = POLLIN;
		pf[1].fd = s->lfd;
		pf[1].events = POLLIN;
		for (i = 0, n = 2; i < nc; i++)
			if (c[i].fd >= 0) {
				pf[n].fd = c[i].fd;
				pf[n].events = POLLIN;
				map[n++] = i;
			}
		if (poll(pf, (nfds_t)n, -1) < 0)
			continue;
		if (pf[0].revents)
			break;
		if ((pf[1].revents & POLLIN) && nc < MAXC) {
			c[nc].fd = accept(s->lfd, NULL, NULL);
			if (c[nc].fd >= 0) {
				pthread_mutex_lock(&s->mu);
				s->accepts++;
				pthread_mutex_unlock(&s->mu);
				nc++;
			}
		}
		for (i = 2; i < n; i++) {
			struct conn *k = &c[map[i]];

			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (k->len + 65536 > k->cap) {
				k->cap = k->len + 65536;
				k->buf = realloc(k->buf, k->cap);
			}
			got = read(k->fd, k->buf + k->len, k->cap - k->len);
			if (got <= 0) {
				close(k->fd);
				k->fd = -1;
				continue;
			}
			k->len += (size_t)got;
			if ((rl = request_len(k)) == 0)
				continue;
			pthread_mutex_lock(&s->mu);
			if (s->requests++ == 0)
				memcpy(s->first, k->buf, rl < sizeof(s->first) ?
				    rl : sizeof(s->first) - 1);
			pthread_mutex_unlock(&s->mu);
			memmove(k->buf, k->buf + rl, k->len - rl);
			k->len -= rl;
			k->waiting = 1;
			k->nreq++;
		}
		for (i = waiting = 0; i < nc; i++)
			waiting += c[i].fd >= 0 && c[i].waiting;
		if (waiting > 0 && waiting >= s->hold)
			for (i = 0; i < nc; i++)
				if (c[i].fd >= 0 && c[i].waiting)
					answer(s, &c[i]);
	}
	for (i = 0; i < nc; i++) {
		if (c[i].fd >= 0)
			close(c[i].fd);
		free(c[i].buf);
	}
	return NULL;
}

static void
srv_start(struct srv *s, const char *ans, size_t len, int hold)
{
	struct sockaddr_in a = { 0 };
	socklen_t al = sizeof(a);

	memset(s, 0, sizeof(*s));
	s->answer = ans;
	s->answer_len = len;
	s->hold = hold;
	pthread_mutex_init(&s->mu, NULL);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_geq(s->lfd = socket(AF_INET, SOCK_STREAM, 0), 0);
	cr_assert_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(s->lfd, 64), 0);
	cr_assert_eq(getsockname(s->lfd, (struct sockaddr *)&a, &al), 0);
	s->port = ntohs(a.sin_port);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d/v1/x", s->port);
	cr_assert_eq(pipe(s->stop), 0);
	cr_assert_eq(pthread_create(&s->th, NULL, serve, s), 0);
}

static void
srv_stop(struct srv *s)
{
	cr_assert_eq(write(s->stop[1], "x", 1), 1);
	pthread_join(s->th, NULL);
	close(s->stop[0]);
	close(s->stop[1]);
	close(s->lfd);
	pthread_mutex_destroy(&s->mu);
}

static const struct br_http_opts opts = { 5000, 2000, NULL, 0 };

static void
setup(void)
{
	cr_assert_eq(br_http_global_init(), 0);
}

static void
teardown(void)
{
	br_http_global_cleanup();
}

#define OK_JSON "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" \
	"X-Request-Id:  abc-1 \r\n\r\n{}"

static void
req_init(struct br_request *r, const char *method, const char *url)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->method, sizeof(r->method), "%s", method);
	r->url = strdup(url);
	cr_assert_not_null(r->url);
}

TestSuite(http, .init = setup, .fini = teardown, .timeout = 30);

Test(http, a_post_without_body_sends_length_zero_and_no_made_up_type)
{
	struct srv s;
	struct br_http *h;
	struct br_request req;
	struct br_response resp = { 0 };

	srv_start(&s, OK_JSON, sizeof(OK_JSON) - 1, 0);
	req_init(&req, "POST", s.url);
	cr_assert_eq(br_request_add_header(&req, "Accept", "application/json",
	    0), 0);
	cr_assert_not_null(h = br_http_new(&opts));
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.net, BR_NET_OK, "%s", resp.net_msg);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(resp.body, "{}");
	cr_assert_eq(resp.len, 2);
	cr_assert_str_eq(resp.request_id, "abc-1", "trimmed");
	cr_assert_null(resp.retry_after);
	cr_assert(has(&s, "POST /v1/x HTTP/1.1\r\n"), "%s", s.first);
	cr_assert(has(&s, "\r\nContent-Length: 0\r\n"));
	cr_assert(has(&s, "\r\nAccept: application/json\r\n"));
	cr_assert(has(&s, "\r\nUser-Agent: bulkrun/"));
	cr_assert(!has(&s, "Content-Type"), "%s", s.first);
	cr_assert(!has(&s, "Expect"));
	br_response_release(&resp);
	br_request_release(&req);
	br_http_free(h);
	srv_stop(&s);
}

Test(http, a_body_goes_with_its_own_type_and_the_handle_forgets_it)
{
	static const char body[] = "{\"a\":1}";
	struct srv s;
	struct br_http *h;
	struct br_request req, get;
	struct br_response resp = { 0 };

	srv_start(&s, OK_JSON, sizeof(OK_JSON) - 1, 0);
	req_init(&req, "PUT", s.url);
	req.body = strdup(body);
	req.bodylen = strlen(body);
	cr_assert_eq(br_request_add_header(&req, "Content-Type",
	    "application/json", 0), 0);
	cr_assert_not_null(h = br_http_new(&opts));
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.status, 200);
	cr_assert(has(&s, "PUT /v1/x HTTP/1.1\r\n"), "%s", s.first);
	cr_assert(has(&s, "\r\nContent-Type: application/json\r\n"));
	cr_assert(has(&s, "\r\nContent-Length: 7\r\n"));
	cr_assert(has(&s, "\r\n\r\n{\"a\":1}"));
	cr_assert(!has(&s, "Expect"));
	pthread_mutex_lock(&s.mu);
	s.requests = 0;		/* keep the next one */
	memset(s.first, 0, sizeof(s.first));
	pthread_mutex_unlock(&s.mu);
	br_response_release(&resp);

	/* the same slot, reused: a GET carries no body nor length */
	req_init(&get, "GET", s.url);
	cr_assert_eq(br_http_send(h, &get, &resp), 0);
	cr_assert_eq(resp.status, 200);
	cr_assert(has(&s, "GET /v1/x HTTP/1.1\r\n"), "%s", s.first);
	cr_assert(!has(&s, "Content-Length"), "%s", s.first);
	cr_assert(!has(&s, "Content-Type"));
	pthread_mutex_lock(&s.mu);
	cr_assert_eq(s.accepts, 1, "the connection was kept alive");
	pthread_mutex_unlock(&s.mu);
	br_response_release(&resp);
	br_request_release(&get);
	br_request_release(&req);
	br_http_free(h);
	srv_stop(&s);
}

Test(http, a_big_body_goes_without_waiting_for_100_continue)
{
	size_t blen = 2 * 1024 * 1024;
	struct srv s;
	struct br_http *h;
	struct br_request req;
	struct br_response resp = { 0 };

	srv_start(&s, OK_JSON, sizeof(OK_JSON) - 1, 0);
	req_init(&req, "POST", s.url);
	cr_assert_not_null(req.body = malloc(blen));
	memset(req.body, 'b', blen);
	req.bodylen = blen;
	cr_assert_not_null(h = br_http_new(&opts));
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.status, 200, "%s", resp.net_msg);
	cr_assert(has(&s, "\r\nContent-Length: 2097152\r\n"), "%s", s.first);
	cr_assert(!has(&s, "Expect"), "%s", s.first);
	br_response_release(&resp);
	br_request_release(&req);
	br_http_free(h);
	srv_stop(&s);
}

Test(http, headers_of_an_interim_answer_are_forgotten)
{
	static const char a[] = "HTTP/1.1 100 Continue\r\n"
	    "X-Request-Id: early\r\nRetry-After: 99\r\n\r\n"
	    "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n"
	    "Retry-After: 3\r\nx-request-id: late\r\n\r\n";
	struct srv s;
	struct br_http *h;
	struct br_request req;
	struct br_response resp = { 0 };

	srv_start(&s, a, sizeof(a) - 1, 0);
	req_init(&req, "POST", s.url);
	cr_assert_not_null(h = br_http_new(&opts));
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.status, 429);
	cr_assert_str_eq(resp.request_id, "late");
	cr_assert_str_eq(resp.retry_after, "3");
	br_response_release(&resp);
	br_request_release(&req);
	br_http_free(h);
	srv_stop(&s);
}

Test(http, a_long_body_is_cut_at_the_cap_and_keeps_its_status)
{
	size_t blen = BR_HTTP_BODY_CAP + 4096, hl;
	char *a = malloc(blen + 128);
	struct srv s;
	struct br_http *h;
	struct br_request req;
	struct br_response resp = { 0 };

	cr_assert_not_null(a);
	hl = (size_t)sprintf(a, "HTTP/1.1 500 Oops\r\nContent-Length: %zu\r\n"
	    "\r\n", blen);
	memset(a + hl, 'x', blen);
	srv_start(&s, a, hl + blen, 0);
	req_init(&req, "POST", s.url);
	cr_assert_not_null(h = br_http_new(&opts));
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.net, BR_NET_OK, "%s", resp.net_msg);
	cr_assert_eq(resp.status, 500);
	cr_assert_eq(resp.truncated, 1);
	cr_assert_eq(resp.len, BR_HTTP_BODY_CAP);
	cr_assert_eq(strlen(resp.body), BR_HTTP_BODY_CAP);
	br_response_release(&resp);
	br_request_release(&req);
	br_http_free(h);
	srv_stop(&s);
	free(a);
}

Test(http, network_failures_are_classified)
{
	struct sockaddr_in a = { 0 };
	socklen_t al = sizeof(a);
	struct srv s;
	struct br_http *h;
	struct br_request req;
	struct br_response resp = { 0 };
	char url[64];
	int fd;

	cr_assert_not_null(h = br_http_new(&opts));
	/* a port nobody listens on */
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_geq(fd = socket(AF_INET, SOCK_STREAM, 0), 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(a.sin_port));
	req_init(&req, "POST", url);
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	close(fd);
	cr_assert_eq(resp.net, BR_NET_CONNECT, "%s", resp.net_msg);
	cr_assert_eq(resp.status, 0);
	cr_assert_neq(resp.net_msg[0], '\0', "curl's reason is kept");
	br_response_release(&resp);
	br_request_release(&req);

	/* closed without an answer */
	srv_start(&s, NULL, 0, 0);
	req_init(&req, "POST", s.url);
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.net, BR_NET_NO_ANSWER, "%s", resp.net_msg);
	cr_assert_str_eq(br_net_code(resp.net, NULL), "NET.NO_ANSWER");
	cr_assert(resp.sent, "the request went out");
	br_response_release(&resp);
	br_request_release(&req);
	srv_stop(&s);

	/* not http or https */
	req_init(&req, "GET", "file:///etc/passwd");
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.net, BR_NET_OTHER);
	cr_assert_null(resp.body);
	br_response_release(&resp);
	br_request_release(&req);
	br_http_free(h);
}

Test(http, a_slow_answer_times_out)
{
	static const struct br_http_opts quick = { 50, 2000, NULL, 0 };
	struct srv s;
	struct br_http *h;
	struct br_request req;
	struct br_response resp = { 0 };

	srv_start(&s, OK_JSON, sizeof(OK_JSON) - 1, 1000);	/* never */
	req_init(&req, "POST", s.url);
	cr_assert_not_null(h = br_http_new(&quick));
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.net, BR_NET_TIMEOUT, "%s", resp.net_msg);
	br_response_release(&resp);
	br_request_release(&req);
	br_http_free(h);
	srv_stop(&s);
}

/* Runs n transfers on h at once; returns when every one is back. */
static void
run_all(struct br_http *h, struct br_request *req, struct br_response *resp,
    int n)
{
	int i, back = 0, seen[64] = { 0 };
	void *u;

	for (i = 0; i < n; i++)
		cr_assert_eq(br_http_start(h, &req[i], &resp[i], &resp[i]), 0);
	while (back < n) {
		br_http_wait(h, -1);
		while ((u = br_http_done(h)) != NULL) {
			i = (int)((struct br_response *)u - resp);
			cr_assert(i >= 0 && i < n);
			cr_assert_eq(seen[i]++, 0, "handed back once");
			back++;
		}
	}
}

Test(http, many_transfers_run_at_once_and_connections_are_reused)
{
	enum { N = 8 };
	struct srv s;
	struct br_http *h;
	struct br_request req[N], one;
	struct br_response resp[N];
	int i;

	/* the server answers only once all eight requests wait */
	srv_start(&s, OK_JSON, sizeof(OK_JSON) - 1, N);
	memset(resp, 0, sizeof(resp));
	for (i = 0; i < N; i++)
		req_init(&req[i], i % 2 ? "POST" : "DELETE", s.url);
	cr_assert_not_null(h = br_http_new_n(&opts, N));
	req_init(&one, "GET", s.url);
	cr_assert_eq(br_http_start(h, &one, &resp[0], NULL), 0);
	for (i = 1; i < N; i++)
		cr_assert_eq(br_http_start(h, &req[i], &resp[i], NULL), 0);
	cr_assert_eq(br_http_start(h, &one, &resp[0], NULL), -1,
	    "no ninth slot");
	br_http_free(h);	/* with transfers in flight */
	memset(resp, 0, sizeof(resp));

	cr_assert_not_null(h = br_http_new_n(&opts, N));
	run_all(h, req, resp, N);
	for (i = 0; i < N; i++) {
		cr_assert_eq(resp[i].status, 200, "%d: %s", i, resp[i].net_msg);
		br_response_release(&resp[i]);
	}
	pthread_mutex_lock(&s.mu);
	cr_assert_eq(s.accepts, N, "%d connections", s.accepts);
	pthread_mutex_unlock(&s.mu);
	run_all(h, req, resp, N);	/* again, on the same connections */
	for (i = 0; i < N; i++) {
		cr_assert_eq(resp[i].status, 200);
		br_response_release(&resp[i]);
	}
	pthread_mutex_lock(&s.mu);
	cr_assert_eq(s.accepts, N, "no new connection");
	pthread_mutex_unlock(&s.mu);
	for (i = 0; i < N; i++)
		br_request_release(&req[i]);
	br_request_release(&one);
	br_http_free(h);
	srv_stop(&s);
}

Test(http, abort_ends_every_transfer_in_flight)
{
	enum { N = 3 };
	struct srv s;
	struct br_http *h;
	struct br_request req[N];
	struct br_response resp[N];
	int i;

	srv_start(&s, OK_JSON, sizeof(OK_JSON) - 1, 1000);	/* never */
	memset(resp, 0, sizeof(resp));
	for (i = 0; i < N; i++)
		req_init(&req[i], "POST", s.url);
	cr_assert_not_null(h = br_http_new_n(&opts, N));
	for (i = 0; i < N; i++)
		cr_assert_eq(br_http_start(h, &req[i], &resp[i], &resp[i]), 0);
	br_http_wait(h, 20);	/* under way, no answer */
	cr_assert_null(br_http_done(h));
	br_http_abort_all(1);
	br_http_wait(h, -1);
	for (i = 0; i < N; i++) {
		cr_assert_not_null(br_http_done(h), "transfer %d ended", i);
		cr_assert_eq(resp[i].net, BR_NET_OTHER);
		cr_assert_str_eq(resp[i].net_msg, "abandoned");
		br_response_release(&resp[i]);
		br_request_release(&req[i]);
	}
	br_http_abort_all(0);
	br_http_free(h);
	srv_stop(&s);
}

static void *
waker(void *h)
{
	br_http_wake(h);
	return NULL;
}

Test(http, wake_ends_a_wait_from_another_thread)
{
	struct br_http *h;
	pthread_t t;

	cr_assert_not_null(h = br_http_new_n(&opts, 2));
	cr_assert_eq(pthread_create(&t, NULL, waker, h), 0);
	br_http_wait(h, -1);	/* nothing in flight: only a wake ends it */
	pthread_join(t, NULL);
	br_http_free(h);
}

#define OK_CLOSE "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" \
	"Connection: close\r\n\r\n{}"

Test(http, a_server_that_closes_its_connections_is_handled)
{
	struct srv s;
	struct br_http *h;
	struct br_request req;
	struct br_response resp;
	int i, pass, ok;

	/* first it says Connection: close; then it just hangs up after
	 * each answer, as a server that drops idle keep-alives does */
	for (pass = 0; pass < 2; pass++) {
		ok = 0;
		if (pass == 0)
			srv_start(&s, OK_CLOSE, sizeof(OK_CLOSE) - 1, 1);
		else
			srv_start(&s, OK_JSON, sizeof(OK_JSON) - 1, 1);
		s.close_after = 1;
		cr_assert_not_null(h = br_http_new_n(&opts, 1));
		req_init(&req, "POST", s.url);
		for (i = 0; i < 5; i++) {
			memset(&resp, 0, sizeof(resp));
			cr_assert_eq(br_http_send(h, &req, &resp), 0);
			/*
			 * A hang-up that was not announced races with the
			 * next request: when the request went out on the
			 * dying connection, it may have been read, so it is
			 * not sent again behind the caller's back.
			 */
			ok += resp.status == 200;
			if (pass == 0 || resp.status != 0)
				cr_assert_eq(resp.status, 200, "pass %d, "
				    "request %d: %s", pass, i, resp.net_msg);
			else
				cr_assert_eq(resp.net, BR_NET_NO_ANSWER,
				    "request %d: %s", i, resp.net_msg);
			br_response_release(&resp);
		}
		pthread_mutex_lock(&s.mu);
		if (pass == 0)
			cr_assert_eq(s.accepts, 5, "a new connection each time");
		/* never more than sent; a request on a connection the server
		 * had already closed may not have reached it at all */
		cr_assert_leq(s.requests, 5, "the server saw %d requests for "
		    "5 sends", s.requests);
		cr_assert_geq(s.requests, ok, "%d answered, %d seen", ok,
		    s.requests);
		pthread_mutex_unlock(&s.mu);
		br_request_release(&req);
		br_http_free(h);
		srv_stop(&s);
	}
}

/*
 * A kept-alive connection that dies after the server has read the
 * request: libcurl would send it again on a fresh connection by itself.
 * It must not: the server sees each request once, and the transfer ends
 * with NET.NO_ANSWER so that the caller decides (and counts) a retry.
 */
Test(http, a_dead_kept_alive_connection_is_not_sent_again)
{
	struct srv s;
	struct br_http *h;
	struct br_request req;
	struct br_response resp;
	int requests;

	srv_start(&s, OK_JSON, sizeof(OK_JSON) - 1, 1);
	s.drop_nth = 2;
	cr_assert_not_null(h = br_http_new_n(&opts, 1));
	req_init(&req, "POST", s.url);
	memset(&resp, 0, sizeof(resp));
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.status, 200, "%s", resp.net_msg);
	br_response_release(&resp);
	/* the second request goes on the kept-alive connection, which dies */
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.status, 0);
	cr_assert_eq(resp.net, BR_NET_NO_ANSWER, "%s", resp.net_msg);
	cr_assert(resp.sent);
	br_response_release(&resp);
	pthread_mutex_lock(&s.mu);
	requests = s.requests;
	pthread_mutex_unlock(&s.mu);
	cr_assert_eq(requests, 2, "the server saw %d requests, not 2",
	    requests);
	/* the next request is a new one: a fresh connection, sent once */
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	cr_assert_eq(resp.status, 200, "%s", resp.net_msg);
	br_response_release(&resp);
	br_request_release(&req);
	br_http_free(h);
	srv_stop(&s);
}

/* Nothing was sent: a refused connection is not "may have been applied". */
Test(http, a_refused_connection_was_not_sent)
{
	struct br_http *h;
	struct br_request req;
	struct br_response resp;
	struct sockaddr_in a = { 0 };
	socklen_t al = sizeof(a);
	char url[64];
	int fd;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_geq(fd = socket(AF_INET, SOCK_STREAM, 0), 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(a.sin_port));
	cr_assert_not_null(h = br_http_new_n(&opts, 1));
	req_init(&req, "POST", url);
	memset(&resp, 0, sizeof(resp));
	cr_assert_eq(br_http_send(h, &req, &resp), 0);
	close(fd);
	cr_assert_eq(resp.net, BR_NET_CONNECT, "%s", resp.net_msg);
	cr_assert(!resp.sent);
	br_response_release(&resp);
	br_request_release(&req);
	br_http_free(h);
}

/* ---- the IAM password flow goes through http ---- */

/* Password credentials for the server s (auth_url ".../v3"). */
static void
iam_creds(struct br_creds *c, const struct srv *s, const char *password)
{
	char url[64];

	memset(c, 0, sizeof(*c));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v3", s->port);
	c->kind = BR_CREDS_PASSWORD;
	c->auth_url = strdup(url);
	c->username = strdup("alice");
	c->password = strdup(password);
	c->user_domain = strdup("dom");
	c->project_id = strdup("p1");
}

/* br_creds_fetch_token against an answer; its error text into msg. */
static int
iam_fetch(const char *answer, const char *password, struct br_creds *c,
    struct srv *s, char *msg, size_t cap)
{
	struct br_err err = { 0 };
	int rc;

	srv_start(s, answer, answer != NULL ? strlen(answer) : 0, 0);
	iam_creds(c, s, password);
	rc = br_creds_fetch_token(c, &opts, &err);
	snprintf(msg, cap, "%s", err.msg);
	return rc;
}

Test(http, iam_token_request_goes_through_http)
{
	static const char a[] = "HTTP/1.1 100 Continue\r\n"
	    "X-Subject-Token: early\r\n\r\n"
	    "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n"
	    "x-subject-token:  tok-1 \r\n\r\n{}";
	struct srv s;
	struct br_creds c;
	char msg[1024];

	cr_assert_eq(iam_fetch(a, "pw", &c, &s, msg, sizeof(msg)), 0, "%s",
	    msg);
	cr_assert_str_eq(c.token, "tok-1", "trimmed, the final answer's");
	cr_assert_eq(c.token_fetched, 1);
	cr_assert(has(&s, "POST /v3/auth/tokens HTTP/1.1\r\n"), "%s",
	    s.first);
	cr_assert(has(&s, "\r\nContent-Type: application/json;charset=utf8"
	    "\r\n"));
	cr_assert(has(&s, "\r\nAccept: application/json\r\n"));
	cr_assert(has(&s, "\r\nUser-Agent: bulkrun/"));
	cr_assert(has(&s, "\"password\":\"pw\""));
	cr_assert(!has(&s, "Expect"));
	br_creds_release(&c);
	srv_stop(&s);
}

Test(http, iam_refusals_say_status_code_and_message)
{
	static const struct {
		const char *status, *body, *password, *want;
	} t[] = {
		{ "401 Unauthorized", "{\"error_code\":\"IAM.0001\","
		  "\"error_msg\":\"bad password\"}",
		  "pw", "HTTP 401 IAM.0001: bad password" },
		{ "401 Unauthorized", "{\"error\":{\"code\":401,"
		  "\"message\":\"go away\",\"title\":\"x\"}}",
		  "pw", "HTTP 401 go away" },
		{ "403 Forbidden", "{\"error_code\":\"E1\","
		  "\"error_msg\":\"no s3cret!\"}",
		  "s3cret", "HTTP 403 E1: (message withheld: it holds the "
		  "password)" },
		{ "500 Oops", "nope", "pw", "HTTP 500" },
		{ "200 OK", "", "pw",
		  "HTTP 200 without a usable X-Subject-Token header" },
	};
	struct srv s;
	struct br_creds c;
	char answer[512], msg[1024], want[512];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(answer, sizeof(answer), "HTTP/1.1 %s\r\n"
		    "Content-Length: %zu\r\n\r\n%s", t[i].status,
		    strlen(t[i].body), t[i].body);
		cr_assert_eq(iam_fetch(answer, t[i].password, &c, &s,
		    msg, sizeof(msg)), BR_EINPUT, "%zu", i);
		snprintf(want, sizeof(want), "cannot get a token from "
		    "OS_AUTH_URL: %s", t[i].want);
		cr_expect_str_eq(msg, want, "%zu", i);
		cr_assert_null(c.token);
		br_creds_release(&c);
		srv_stop(&s);
	}
}

Test(http, iam_network_failure_says_why)
{
	struct srv s;
	struct br_creds c;
	char msg[1024];

	/* the server closes without answering */
	cr_assert_eq(iam_fetch(NULL, "pw", &c, &s, msg, sizeof(msg)),
	    BR_EINPUT);
	cr_assert(strncmp(msg, "cannot get a token from OS_AUTH_URL: ", 37) ==
	    0 && strlen(msg) > 37, "%s", msg);
	br_creds_release(&c);
	srv_stop(&s);
}
