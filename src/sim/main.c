/*
 * main.c - bulkrun-sim: a local simulator of the five cloud APIs bulkrun
 * drives, and of their read APIs, with faults to rehearse against.  See
 * README.md; sim.h says which file does what.
 *
 * main() sets up in steps (options, signals, tables, TLS, IAM, log, timer,
 * daemon), waits for SIGINT or SIGTERM, and takes them down in the
 * reverse order.
 */
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <openssl/crypto.h>

#include "datetime.h"
#include "sim.h"

/* The --tls PEM files, read (the key is wiped at exit). */
struct pem {
	char	*cert;
	size_t	 clen;
	char	*key;
	size_t	 klen;
	struct MHD_OptionItem opt[3];
};

static void
conf_defaults(struct sim_conf *cf)
{
	struct timespec ts;

	cf->threads = 4;
	cf->max_skew = SIM_DEFAULT_SKEW;
	cf->max_body = SIM_DEFAULT_MAX_BODY;
	cf->iam_ttl = SIM_DEFAULT_IAM_TTL;
	cf->restart_ms = SIM_DEFAULT_RESTART_MS;
	snprintf(cf->retry_after, sizeof(cf->retry_after), "1");
	clock_gettime(CLOCK_REALTIME, &ts);
	cf->seed = sim_mix64((uint64_t)ts.tv_sec * 1000000000ULL +
	    (uint64_t)ts.tv_nsec) ^ (uint64_t)getpid();
}

/* The locks, the --throttle-rate bucket, the tables; -1 if out of
 * memory. */
static int
sim_init(struct sim *s)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->tmu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->tcv, &ca);
	pthread_condattr_destroy(&ca);
	s->burst = s->conf.throttle_rate / 10 > 1 ? s->conf.throttle_rate / 10
	    : 1;
	s->tokens = s->burst;
	s->last_ms = br_mono_ms();
	if (sim_api_init() == -1 || sim_state_init(&s->st) == -1 ||
	    sim_res_init(&s->res) == -1)
		return -1;
	return 0;
}

static void
sim_release(struct sim *s)
{
	sim_res_release(&s->res);
	sim_state_release(&s->st);
	sim_api_release();
	if (s->iam_on)
		sim_iam_release(&s->iam);
	free(s->conf.ak);
	free(s->conf.iam_user);
	pthread_cond_destroy(&s->tcv);
	pthread_mutex_destroy(&s->tmu);
	pthread_mutex_destroy(&s->mu);
}

/* Reads and checks the --tls files into p->opt (MHD_OPTION_END alone
 * without --tls); the exit status 2 with a message, or 0. */
static int
pem_load(const struct sim_conf *cf, struct pem *p)
{
	char err[512];

	memset(p, 0, sizeof(*p));
	p->opt[0].option = MHD_OPTION_END;
	if (cf->tls_cert == NULL)
		return 0;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "bulkrun-sim: --tls: this libmicrohttpd was "
		    "built without TLS\n");
		return 2;
	}
	if ((p->cert = sim_tls_slurp(cf->tls_cert, &p->clen, err,
	    sizeof(err))) == NULL || (p->key = sim_tls_slurp(cf->tls_key,
	    &p->klen, err, sizeof(err))) == NULL ||
	    sim_tls_check(cf, p->cert, p->clen, p->key, p->klen, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "bulkrun-sim: --tls: %s\n", err);
		return 2;
	}
	p->opt[0].option = MHD_OPTION_HTTPS_MEM_CERT;
	p->opt[0].ptr_value = p->cert;
	p->opt[1].option = MHD_OPTION_HTTPS_MEM_KEY;
	p->opt[1].ptr_value = p->key;
	p->opt[2].option = MHD_OPTION_END;
	return 0;
}

static void
pem_release(struct pem *p)
{
	if (p->key != NULL)
		OPENSSL_cleanse(p->key, p->klen);
	free(p->key);
	free(p->cert);
}

/* --state, the IAM user, TLS: the exit status of a mistake, or 0. */
static int
load_inputs(struct sim *s, struct pem *p)
{
	char err[512];
	int rc;

	if (s->conf.state != NULL &&
	    sim_state_load(&s->st, s->conf.state, err, sizeof(err)) == -1) {
		fprintf(stderr, "bulkrun-sim: %s\n", err);
		return 2;
	}
	if ((rc = pem_load(&s->conf, p)) != 0)
		return rc;
	if (s->conf.iam_user != NULL) {
		if (sim_iam_init(&s->iam, s->conf.iam_user,
		    s->conf.iam_password, s->conf.iam_ttl,
		    s->conf.expire_after) == -1) {
			fprintf(stderr, "bulkrun-sim: out of memory\n");
			return 1;
		}
		s->iam_on = 1;
	}
	return 0;
}

/* Starts the daemon on 127.0.0.1 (*dp; the caller stops it) and prints
 * the listening line; 0, or -1 with a message. */
static int
listen_start(struct sim *s, struct pem *p, struct MHD_Daemon **dp)
{
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	struct sockaddr_in sin;
	unsigned flags;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)s->conf.port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ITC;
	if (p->cert != NULL)
		flags |= MHD_USE_TLS;
	*dp = d = MHD_start_daemon(flags, (uint16_t)s->conf.port,
	    NULL, NULL, sim_on_request, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_URI_LOG_CALLBACK, sim_on_uri, s,
	    MHD_OPTION_NOTIFY_COMPLETED, sim_on_done, s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SIM_CONN_MEMORY,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SIM_CONN_TIMEOUT,
	    MHD_OPTION_THREAD_POOL_SIZE, s->conf.threads,
	    MHD_OPTION_ARRAY, p->opt,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bulkrun-sim: cannot listen on "
		    "127.0.0.1:%u%s\n", s->conf.port, p->cert != NULL ?
		    " with TLS" : "");
		return -1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		fprintf(stderr, "bulkrun-sim: cannot tell the port\n");
		return -1;
	}
	printf("bulkrun-sim listening on %s://127.0.0.1:%u\n",
	    p->cert != NULL ? "https" : "http", (unsigned)info->port);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "bulkrun-sim: cannot write to stdout\n");
		return -1;
	}
	return 0;
}

/* No new connections, the waiting answers sent at once, the answers in
 * flight let out, then the daemon stopped. */
static void
listen_stop(struct sim *s, struct MHD_Daemon *d, int timer)
{
	MHD_socket lsock = MHD_INVALID_SOCKET;

	if (d != NULL)
		lsock = MHD_quiesce_daemon(d);
	/* no connection may stay suspended when the daemon stops */
	if (timer)
		sim_timer_stop(s);
	if (d != NULL) {
		sim_drain(s);
		MHD_stop_daemon(d);
		if (lsock != MHD_INVALID_SOCKET)
			close(lsock);
	}
}

static void
wait_for_stop(const sigset_t *sigs)
{
	int sig;

	do {
		if (sigwait(sigs, &sig) != 0)
			sig = 0;
	} while (sig != SIGINT && sig != SIGTERM);
}

int
main(int argc, char **argv)
{
	static struct sim sim;	/* large; and the callbacks keep a pointer */
	struct sim *s = &sim;
	struct MHD_Daemon *d = NULL;
	struct pem pem;
	sigset_t sigs;
	char err[512];
	int rc, timer = 0;

	memset(&pem, 0, sizeof(pem));
	conf_defaults(&s->conf);
	if ((rc = sim_options_parse(argc, argv, &s->conf)) >= 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	/* every thread started from here on inherits the mask */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	rc = 1;
	if (sim_init(s) == -1) {
		fprintf(stderr, "bulkrun-sim: out of memory\n");
		goto out;
	}
	if ((rc = load_inputs(s, &pem)) != 0)
		goto out;
	rc = 1;
	if (sim_log_open(&s->log, s->conf.log, err, sizeof(err)) == -1) {
		fprintf(stderr, "bulkrun-sim: %s\n", err);
		goto out;
	}
	if (pthread_create(&s->tthread, NULL, sim_timer_main, s) != 0)
		fprintf(stderr, "bulkrun-sim: cannot start a thread\n");
	else {
		timer = 1;
		if (listen_start(s, &pem, &d) == 0) {
			wait_for_stop(&sigs);
			rc = 0;
		}
	}
	listen_stop(s, d, timer);
	if (sim_log_close(&s->log) == -1) {
		fprintf(stderr, "bulkrun-sim: the request log is incomplete\n");
		if (rc == 0)
			rc = 1;
	}
out:
	pem_release(&pem);
	sim_release(s);
	return rc;
}
