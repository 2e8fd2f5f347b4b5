/*
 * Baton's process spawner, native implementation: the same helper as process-spawner.pl, the
 * same protocol (documented in process-spawner.ts, its only client) and the same invariants,
 * with posix_spawn instead of fork (the child shares the helper's memory until it execs, so no
 * page is copied) and one poll loop. Only libc; Linux (signalfd, pipe2, F_SETPIPE_SZ).
 *
 *   cc -O2 -Wall -Wextra -std=gnu11 -o process-spawner process-spawner.c
 *   process-spawner DRAIN_MS
 *
 * Invariants: a command's output is read only while less than MAX_PENDING bytes wait to reach
 * the server (the pipes back up into the command, not into memory); a run ends (frame X) only
 * once it was reaped and its pipes reached EOF or the drain time passed, and then its process
 * group is SIGKILLed. On EOF of stdin the helper exits without touching the commands still
 * running. Every descriptor the helper opens is close-on-exec: a command gets 0, 1 and 2 only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Output pipes are widened to PIPE_BYTES where the kernel allows (F_SETPIPE_SZ; the unprivileged
 * limit is /proc/sys/fs/pipe-max-size, 1 MiB by default), and read up to that much at once: a
 * flood then costs a few large reads and writes per MiB instead of one wakeup per 64 KiB.
 */
#define PIPE_BYTES (1 << 20)
#define FRAME_MAX PIPE_BYTES
#define MAX_PENDING (4 * PIPE_BYTES)
/* A user's pipes share a limit (/proc/sys/fs/pipe-user-pages-soft, 64 MiB by default) past
 * which new pipes get 8 KiB: only the stdout pipes of the first WIDE_RUNS runs are widened. */
#define WIDE_RUNS 16
#define HEADER_BYTES 9
#define REQUEST_CHUNK 65536
/* Output waits in a queue of blocks, each big enough for one full output frame, so a read goes
 * straight behind its frame header (one copy in, one out) and nothing is ever moved. */
#define BLOCK_BYTES (HEADER_BYTES + FRAME_MAX)
/* A read gets a fresh block rather than the rest of the last one when less than this is left. */
#define MIN_READ 65536
/* Emptied blocks kept for reuse, their pages already faulted in. */
#define SPARE_BLOCKS 4
#define MAX_IOV 16

struct block {
	struct block *next;
	size_t head, tail; /* unsent bytes are data[head, tail) */
	char data[BLOCK_BYTES];
};

struct run {
	uint32_t id;
	pid_t pid;
	int fds[2];    /* stdout and stderr read ends, -1 once closed */
	int reaped;
	int code;      /* exit code, 128 + n for signal n; valid once reaped */
	int64_t deadline_ns; /* reap time + drain: when open pipes stop counting */
};

static int64_t drain_ns;
static int null_fd;
static int signal_fd;
static posix_spawnattr_t spawn_attr;

static struct block *out_first, *out_last, *spare;
static int spare_count;
static size_t pending; /* bytes queued for stdout */
static int out_full;   /* stdout took less than offered: wait for poll to say it has room */

static struct run **runs;
static size_t run_count, run_cap;

static char *in_buf;
static size_t in_len, in_cap;
static int stdin_open = 1;
static int reap_pending;

static void fail(const char *what)
{
	fprintf(stderr, "process-spawner: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) fail("malloc");
	return p;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int paused(void)
{
	return pending >= MAX_PENDING;
}

static void put_u32(char *at, uint32_t v)
{
	at[0] = (char)(v >> 24);
	at[1] = (char)(v >> 16);
	at[2] = (char)(v >> 8);
	at[3] = (char)v;
}

static uint32_t get_u32(const char *at)
{
	const unsigned char *u = (const unsigned char *)at;
	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

/* The last block of the output queue if it has `room` bytes free, else a new one appended. */
static struct block *out_room(size_t room)
{
	if (out_last && BLOCK_BYTES - out_last->tail >= room) return out_last;
	struct block *b = spare;
	if (b) {
		spare = b->next;
		spare_count--;
	} else {
		b = xmalloc(sizeof *b);
	}
	b->next = NULL;
	b->head = b->tail = 0;
	if (out_last) out_last->next = b;
	else out_first = b;
	out_last = b;
	return b;
}

static void frame(uint32_t id, char type, const char *payload, size_t len)
{
	/* Control frames are small; a longer one (an F reason) is cut at a block, never split. */
	if (len > FRAME_MAX) len = FRAME_MAX;
	struct block *b = out_room(HEADER_BYTES + len);
	char *at = b->data + b->tail;
	put_u32(at, id);
	at[4] = type;
	put_u32(at + 5, (uint32_t)len);
	memcpy(at + HEADER_BYTES, payload, len);
	b->tail += HEADER_BYTES + len;
	pending += HEADER_BYTES + len;
}

static void frame_text(uint32_t id, char type, const char *text)
{
	frame(id, type, text, strlen(text));
}

static void frame_number(uint32_t id, char type, long n)
{
	char text[24];
	snprintf(text, sizeof text, "%ld", n);
	frame_text(id, type, text);
}

/* Writes what it can without blocking; exits when the server is gone. */
static void flush_out(void)
{
	while (pending > 0 && !out_full) {
		struct iovec iov[MAX_IOV];
		int n = 0;
		size_t offered = 0;
		for (struct block *b = out_first; b && n < MAX_IOV; b = b->next) {
			if (b->tail == b->head) continue;
			iov[n].iov_base = b->data + b->head;
			iov[n].iov_len = b->tail - b->head;
			offered += iov[n].iov_len;
			n++;
		}
		ssize_t w = writev(STDOUT_FILENO, iov, n);
		if (w < 0) {
			if (errno == EINTR) continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				out_full = 1;
				return;
			}
			exit(0); /* the server is gone */
		}
		pending -= (size_t)w;
		size_t left = (size_t)w;
		while (out_first) {
			struct block *b = out_first;
			size_t take = b->tail - b->head < left ? b->tail - b->head : left;
			b->head += take;
			left -= take;
			if (b->head < b->tail) break;
			if (b == out_last) {
				/* Sent, and the last: the next frames go in from its start. */
				b->head = b->tail = 0;
				break;
			}
			out_first = b->next;
			if (spare_count < SPARE_BLOCKS) {
				b->next = spare;
				spare = b;
				spare_count++;
			} else {
				free(b);
			}
		}
		if ((size_t)w < offered) out_full = 1;
	}
}

static void close_fd(struct run *run, int k)
{
	if (run->fds[k] < 0) return;
	close(run->fds[k]);
	run->fds[k] = -1;
}

/* Reads from a command's pipe straight behind frame headers in the output queue, as much as the
 * pipe holds up to FRAME_MAX (a short read means it is empty): fewer, larger frames while output
 * floods. A read that fills the rest of a block goes on in the next. */
static void read_child(struct run *run, int k)
{
	size_t total = 0;
	while (run->fds[k] >= 0 && total < FRAME_MAX) {
		struct block *b = out_room(HEADER_BYTES + MIN_READ);
		size_t room = BLOCK_BYTES - b->tail - HEADER_BYTES;
		if (room > FRAME_MAX - total) room = FRAME_MAX - total;
		char *at = b->data + b->tail;
		ssize_t n = read(run->fds[k], at + HEADER_BYTES, room);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
		if (n <= 0) {
			close_fd(run, k);
			return;
		}
		put_u32(at, run->id);
		at[4] = k == 0 ? 'O' : 'E';
		put_u32(at + 5, (uint32_t)n);
		b->tail += HEADER_BYTES + (size_t)n;
		pending += HEADER_BYTES + (size_t)n;
		total += (size_t)n;
		if ((size_t)n < room) return;
	}
}

/* A request entry without "=" counts as KEY with an empty value; a key given twice, the last. */
static char **build_env(char **entries, size_t count, char **owned, size_t *owned_count)
{
	char **env = xmalloc((count + 1) * sizeof *env);
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		char *entry = entries[i];
		char *eq = strchr(entry, '=');
		if (!eq) {
			size_t len = strlen(entry);
			char *with = xmalloc(len + 2);
			memcpy(with, entry, len);
			with[len] = '=';
			with[len + 1] = '\0';
			owned[(*owned_count)++] = with;
			entry = with;
			eq = with + len;
		}
		size_t key = (size_t)(eq - entry) + 1; /* with the "=" */
		size_t j = 0;
		while (j < n && strncmp(env[j], entry, key) != 0) j++;
		env[j] = entry;
		if (j == n) n++;
	}
	env[n] = NULL;
	return env;
}

static void add_run(struct run *run)
{
	if (run_count == run_cap) {
		run_cap = run_cap ? run_cap * 2 : 16;
		runs = realloc(runs, run_cap * sizeof *runs);
		if (!runs) fail("realloc");
	}
	runs[run_count++] = run;
}

/* Frame F, "<what><subject>: <the error>", the reason a command could not start. */
static void frame_failure(uint32_t id, const char *what, const char *subject, int error)
{
	const char *message = strerror(error);
	size_t a = strlen(what), b = strlen(subject), c = strlen(message);
	char *reason = xmalloc(a + b + c + 3);
	memcpy(reason, what, a);
	memcpy(reason + a, subject, b);
	memcpy(reason + a + b, ": ", 2);
	memcpy(reason + a + b + 2, message, c + 1);
	frame_text(id, 'F', reason);
	free(reason);
}

static void start_run(uint32_t id, const char *cwd, const char *command, char **entries, size_t count)
{
	/* The working directory is entered here and inherited, as the Perl helper does, so a chdir
	 * failure is told apart from an exec failure (posix_spawn reports both as one errno). */
	if (chdir(cwd) != 0) {
		frame_failure(id, "chdir ", cwd, errno);
		return;
	}
	int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
	if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
		int error = errno;
		for (int i = 0; i < 2; i++) {
			if (out_pipe[i] >= 0) close(out_pipe[i]);
			if (err_pipe[i] >= 0) close(err_pipe[i]);
		}
		if (chdir("/") != 0) { /* "/" cannot fail to be entered */ }
		frame_failure(id, "pipe", "", error);
		return;
	}
	/* The read ends only: the command's ends stay blocking. */
	fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
	if (run_count < WIDE_RUNS) fcntl(out_pipe[0], F_SETPIPE_SZ, PIPE_BYTES); /* best effort */

	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, null_fd, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
	char **owned = xmalloc((count + 1) * sizeof *owned);
	size_t owned_count = 0;
	char **env = build_env(entries, count, owned, &owned_count);
	char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
	pid_t pid;
	/* posix_spawn returns once the child has exec'd or failed to (glibc's clone(CLONE_VFORK)):
	 * success is the exec confirmation P stands for, the shell runs in its own session. */
	int error = posix_spawn(&pid, "/bin/sh", &actions, &spawn_attr, argv, env);
	posix_spawn_file_actions_destroy(&actions);
	free(env);
	for (size_t i = 0; i < owned_count; i++) free(owned[i]);
	free(owned);
	close(out_pipe[1]);
	close(err_pipe[1]);
	if (chdir("/") != 0) { /* hold no workspace open */ }
	if (error != 0) {
		close(out_pipe[0]);
		close(err_pipe[0]);
		frame_failure(id, "exec /bin/sh", "", error);
		return;
	}
	struct run *run = xmalloc(sizeof *run);
	*run = (struct run){.id = id, .pid = pid, .fds = {out_pipe[0], err_pipe[0]}};
	add_run(run);
	frame_number(id, 'P', pid);
}

/* One request: `S \0 id \0 cwd \0 command \0 KEY=VALUE \0 …`; anything else is ignored. */
static void handle_request(char *payload, size_t len)
{
	/* The payload is copied with a NUL after it, so that every field is a C string. */
	char *copy = xmalloc(len + 1);
	memcpy(copy, payload, len);
	copy[len] = '\0';
	size_t fields = 1;
	for (size_t i = 0; i < len; i++) fields += copy[i] == '\0';
	char **field = xmalloc(fields * sizeof *field);
	field[0] = copy;
	for (size_t i = 0, f = 1; i < len; i++) {
		if (copy[i] == '\0') field[f++] = copy + i + 1;
	}
	if (fields >= 4 && strcmp(field[0], "S") == 0) {
		uint32_t id = (uint32_t)strtoul(field[1], NULL, 10);
		start_run(id, field[2], field[3], field + 4, fields - 4);
	}
	free(field);
	free(copy);
}

static void read_requests(void)
{
	if (in_cap - in_len < REQUEST_CHUNK) {
		in_cap = in_cap ? in_cap * 2 : 4 * REQUEST_CHUNK;
		in_buf = realloc(in_buf, in_cap);
		if (!in_buf) fail("realloc");
	}
	ssize_t n = read(STDIN_FILENO, in_buf + in_len, in_cap - in_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return;
	if (n <= 0) {
		stdin_open = 0;
		return;
	}
	in_len += (size_t)n;
	size_t at = 0;
	while (in_len - at >= 4) {
		size_t len = get_u32(in_buf + at);
		if (in_len - at - 4 < len) break;
		handle_request(in_buf + at + 4, len);
		at += 4 + len;
	}
	memmove(in_buf, in_buf + at, in_len - at);
	in_len -= at;
}

static struct run *run_of_pid(pid_t pid)
{
	for (size_t i = 0; i < run_count; i++) {
		if (runs[i]->pid == pid && !runs[i]->reaped) return runs[i];
	}
	return NULL;
}

static void reap(void)
{
	reap_pending = 0;
	struct signalfd_siginfo info;
	while (read(signal_fd, &info, sizeof info) > 0) {
		/* Drained: one SIGCHLD may stand for several children, all are collected below. */
	}
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct run *run = run_of_pid(pid);
		if (!run) continue;
		run->reaped = 1;
		run->code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
		run->deadline_ns = now_ns() + drain_ns;
	}
}

static void finish_ready(void)
{
	int64_t now = now_ns();
	size_t kept = 0;
	for (size_t i = 0; i < run_count; i++) {
		struct run *run = runs[i];
		int held = run->fds[0] >= 0 || run->fds[1] >= 0;
		/* The drain time is for pipes a background child holds open, not for output left unread
		 * while the server is behind: that is read first. */
		if (!run->reaped || (held && (now < run->deadline_ns || paused()))) {
			runs[kept++] = run;
			continue;
		}
		/* What the pipes hold now still goes out, then they are cut. */
		for (int k = 0; k < 2; k++) {
			read_child(run, k);
			close_fd(run, k);
		}
		/* Whatever the command left running in its group ends with it. */
		kill(-run->pid, SIGKILL);
		frame_number(run->id, 'X', run->code);
		free(run);
	}
	run_count = kept;
}

/* Descriptors above 2 that the helper inherited (the server's parent may have left some without
 * close-on-exec, and node passes them on) are closed, so that commands do not get them either. */
static void close_inherited(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0) return;
#endif
	DIR *dir = opendir("/proc/self/fd");
	if (!dir) return;
	int fds[256], n = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) && n < 256) {
		int fd = atoi(entry->d_name);
		if (fd > 2 && fd != dirfd(dir)) fds[n++] = fd;
	}
	closedir(dir);
	for (int i = 0; i < n; i++) close(fds[i]);
}

static void setup(int argc, char **argv)
{
	long ms = 1000;
	if (argc > 1 && argv[1][0] != '\0' && strspn(argv[1], "0123456789") == strlen(argv[1])) ms = strtol(argv[1], NULL, 10);
	if (ms > 86400000) ms = 86400000; /* a day: longer waits nothing out */
	drain_ns = (int64_t)ms * 1000000;
	close_inherited();

	null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0) fail("/dev/null");
	int flags = fcntl(STDOUT_FILENO, F_GETFL);
	if (flags < 0 || fcntl(STDOUT_FILENO, F_SETFL, flags | O_NONBLOCK) < 0) fail("fcntl");
	fcntl(STDOUT_FILENO, F_SETPIPE_SZ, PIPE_BYTES); /* best effort; the server's end may be a socket */
	if (chdir("/") != 0) { /* hold no directory of the server's open */ }

	/* SIGPIPE ignored: a write to a server that is gone fails with EPIPE and the helper exits.
	 * SIGCHLD blocked and read from a signalfd, so none is lost between a check and poll. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would have the kernel reap commands unseen */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) != 0) fail("sigprocmask");
	signal_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (signal_fd < 0) fail("signalfd");

	/* Commands start with a clean signal state whatever the helper's: no signal blocked, every
	 * disposition the default, in a session and process group of their own. The set of signals
	 * to default is filled bytewise, as sigfillset leaves out libc's internal ones (32 and 33),
	 * which glibc's posix_spawn otherwise leaves ignored in the child, unlike fork and exec. */
	sigset_t none, all;
	sigemptyset(&none);
	memset(&all, 0xff, sizeof all);
	if (posix_spawnattr_init(&spawn_attr) != 0) fail("posix_spawnattr_init");
	posix_spawnattr_setsigmask(&spawn_attr, &none);
	posix_spawnattr_setsigdefault(&spawn_attr, &all);
	if (posix_spawnattr_setflags(&spawn_attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) != 0)
		fail("posix_spawnattr_setflags");
}

int main(int argc, char **argv)
{
	setup(argc, argv);
	frame_number(0, 'H', getpid());

	struct pollfd *fds = NULL;
	struct { struct run *run; int k; } *owner = NULL;
	size_t fds_cap = 0;
	for (;;) {
		if (reap_pending) reap();
		finish_ready();
		flush_out();
		if (!stdin_open) exit(0);

		size_t need = 3 + 2 * run_count;
		if (need > fds_cap) {
			fds_cap = need * 2;
			fds = realloc(fds, fds_cap * sizeof *fds);
			owner = realloc(owner, fds_cap * sizeof *owner);
			if (!fds || !owner) fail("realloc");
		}
		size_t nfds = 0;
		fds[nfds++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		fds[nfds++] = (struct pollfd){.fd = signal_fd, .events = POLLIN};
		/* A negative fd is skipped by poll: stdout is watched only while output waits. */
		fds[nfds++] = (struct pollfd){.fd = pending > 0 ? STDOUT_FILENO : -1, .events = POLLOUT};
		int is_paused = paused();
		for (size_t i = 0; i < run_count && !is_paused; i++) {
			for (int k = 0; k < 2; k++) {
				if (runs[i]->fds[k] < 0) continue;
				owner[nfds].run = runs[i];
				owner[nfds].k = k;
				fds[nfds++] = (struct pollfd){.fd = runs[i]->fds[k], .events = POLLIN};
			}
		}

		/* The timeout is the deadline the next draining run reaches; while paused there is none,
		 * as a draining run waits for the server to take its output first. */
		int timeout = -1;
		if (!is_paused) {
			int64_t now = now_ns();
			for (size_t i = 0; i < run_count; i++) {
				if (!runs[i]->reaped) continue;
				int64_t left = runs[i]->deadline_ns - now;
				int ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
				if (timeout < 0 || ms < timeout) timeout = ms;
			}
		}
		int ready = poll(fds, nfds, timeout);
		if (ready < 0) {
			if (errno == EINTR) continue;
			fail("poll");
		}
		if (ready == 0) continue;
		if (fds[2].revents) {
			out_full = 0;
			flush_out();
		}
		if (fds[1].revents) reap_pending = 1;
		if (fds[0].revents) read_requests();
		for (size_t i = 3; i < nfds; i++) {
			if (fds[i].revents) read_child(owner[i].run, owner[i].k);
		}
	}
}
