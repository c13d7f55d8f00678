/*
 * cluster.h: train -M, one training run over the processes of an MPI job
 * (mpirun -np N train -M ...).  Each process runs -j shards of every batch
 * (shard.h); rank 0 reads the input files and sends their bytes to the
 * others, and alone writes files and messages.  In a build without MPI,
 * -M is refused with a message.
 */
#ifndef SKETCHRNN_CLUSTER_H
#define SKETCHRNN_CLUSTER_H

#include <stdio.h>

#include "shard.h"

/* cluster_start: join the MPI job; a failure of this process from now on
 * (die, exit 1) ends the whole job (MPI_Abort), and ranks other than 0
 * put their rank in their messages' program name. */
void cluster_start(int *argc, char ***argv);
/* cluster_end: leave the job (a no-op without cluster_start). */
void cluster_end(void);
/* cluster_comm: the job's collectives for shard.h; NULL without -M. */
const struct shard_comm *cluster_comm(void);
/* cluster_rank: this process's rank; 0 without -M. */
int cluster_rank(void);
/* cluster_fopen: path ("-" for stdin) opened for reading: with -M, rank 0
 * reads the whole of it and every process gets a stream of those bytes. */
FILE *cluster_fopen(const char *path);
/* cluster_same: die unless every process has the same v[0 .. n) (at
 * most 16), naming the first that differs by names[i]. */
void cluster_same(const long *v, int n, const char *const *names);
/* cluster_check_cores: warn when this process may use fewer CPUs than its
 * threads (mpirun's default binding to one core). */
void cluster_check_cores(int threads);
/* cluster_any: whether flag is set in any process (without -M: flag). */
int cluster_any(int flag);

#endif
