/* cluster.c: train -M over MPI (see cluster.h). */
#define _GNU_SOURCE /* sched_getaffinity */
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "util.h"

#ifdef SKETCHRNN_MPI
#include <mpi.h>

static struct shard_comm comm;
static int started;
static char name[64];
static char *bufs[8]; /* the bytes behind cluster_fopen's streams */
static int nbufs;

static void on_fail(void)
{
	int fin = 0;

	MPI_Finalized(&fin);
	if (!fin)
		MPI_Abort(MPI_COMM_WORLD, 1);
}

static void allgather(void *ctx, double *x, int n)
{
	MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, x, n, MPI_DOUBLE,
		      MPI_COMM_WORLD);
}

/* reduce: in place, in pieces of at most 2^30 elements (MPI counts are
 * int). */
static void reduce(void *x, long n, MPI_Datatype type, size_t size, MPI_Op op)
{
	for (long i = 0; i < n; i += 1L << 30) {
		long k = n - i < 1L << 30 ? n - i : 1L << 30;

		MPI_Allreduce(MPI_IN_PLACE, (char *)x + i * (long)size, (int)k,
			      type, op, MPI_COMM_WORLD);
	}
}

static void max_i16(void *ctx, int16_t *x, long n)
{
	reduce(x, n, MPI_INT16_T, sizeof *x, MPI_MAX);
}

static void sum_i64(void *ctx, int64_t *x, long n)
{
	reduce(x, n, MPI_INT64_T, sizeof *x, MPI_SUM);
}

void cluster_start(int *argc, char ***argv)
{
	MPI_Init(argc, argv);
	started = 1;
	out_fail_hook = on_fail;
	MPI_Comm_rank(MPI_COMM_WORLD, &comm.rank);
	MPI_Comm_size(MPI_COMM_WORLD, &comm.size);
	comm.allgather = allgather;
	comm.max_i16 = max_i16;
	comm.sum_i64 = sum_i64;
	if (comm.rank > 0) {
		snprintf(name, sizeof name, "%s (rank %d)", progname,
			 comm.rank);
		progname = name;
	}
}

void cluster_end(void)
{
	if (!started)
		return;
	out_fail_hook = NULL;
	MPI_Finalize();
	for (int i = 0; i < nbufs; i++)
		free(bufs[i]);
	nbufs = 0;
}

const struct shard_comm *cluster_comm(void)
{
	return started ? &comm : NULL;
}

int cluster_rank(void)
{
	return comm.rank;
}

/* read_all: rank 0 reads path; every rank gets its bytes (NUL after). */
static char *read_all(const char *path, size_t *len)
{
	uint64_t n = 0;
	char *buf = NULL;

	if (comm.rank == 0) {
		FILE *f = xfopen(path, "rb");
		size_t got;

		if (read_whole(f, (size_t)1 << 40, &buf, &got) != 0)
			die("%s: read error:", path);
		xfclose(f);
		n = got;
	}
	MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
	if (comm.rank != 0)
		buf = xmalloc((size_t)n + 1);
	for (uint64_t i = 0; i < n; i += 1U << 30) {
		uint64_t k = n - i < 1U << 30 ? n - i : 1U << 30;

		MPI_Bcast(buf + i, (int)k, MPI_CHAR, 0, MPI_COMM_WORLD);
	}
	*len = (size_t)n;
	return buf;
}

FILE *cluster_fopen(const char *path)
{
	size_t len;
	char *buf;
	FILE *f;

	if (!started)
		return xfopen(path, "rb");
	if (nbufs == (int)(sizeof bufs / sizeof bufs[0]))
		die("cluster_fopen: too many files");
	buf = read_all(path, &len);
	bufs[nbufs++] = buf;
	f = len ? fmemopen(buf, len, "rb") : fopen("/dev/null", "rb");
	if (!f)
		die("%s: cannot read its copy:", path);
	return f;
}

void cluster_same(const long *v, int n, const char *const *names)
{
	long lo[16], hi[16];

	if (!started)
		return;
	if (n > 16)
		die("cluster_same: too many values");
	MPI_Allreduce(v, lo, n, MPI_LONG, MPI_MIN, MPI_COMM_WORLD);
	MPI_Allreduce(v, hi, n, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
	for (int i = 0; i < n; i++)
		if (lo[i] != hi[i])
			die("the processes of the job differ in %s (%ld to "
			    "%ld): give every process the same arguments",
			    names[i], lo[i], hi[i]);
}

void cluster_check_cores(int threads)
{
	cpu_set_t set;
	int n;

	if (!started || sched_getaffinity(0, sizeof set, &set) != 0)
		return;
	n = CPU_COUNT(&set);
	if (n < threads)
		warnmsg("-j %d, but this process may run on %d CPU%s only "
			"(mpirun binds a process to one core unless given "
			"--bind-to none)",
			threads, n, n == 1 ? "" : "s");
}

int cluster_any(int flag)
{
	if (started)
		MPI_Allreduce(MPI_IN_PLACE, &flag, 1, MPI_INT, MPI_MAX,
			      MPI_COMM_WORLD);
	return flag;
}

#else /* a build without MPI */

void cluster_start(int *argc, char ***argv)
{
	die("-M: this train was built without MPI (install an MPI, such as "
	    "Debian's libopenmpi-dev, and rebuild)");
}

void cluster_end(void)
{
}

const struct shard_comm *cluster_comm(void)
{
	return NULL;
}

int cluster_rank(void)
{
	return 0;
}

FILE *cluster_fopen(const char *path)
{
	return xfopen(path, "rb");
}

void cluster_same(const long *v, int n, const char *const *names)
{
}

void cluster_check_cores(int threads)
{
}

int cluster_any(int flag)
{
	return flag;
}
#endif
