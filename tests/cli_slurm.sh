#!/usr/bin/env bash
# Batch-queue test through ctest: jobs/sweep.sbatch and jobs/array.sbatch against a real single-node
# SLURM started in a temporary directory (tests/slurm/harness.sh says what is checked). Exit 77
# (ctest: skipped) only where slurmctld is not installed; ./test.sh installs slurm-wlm and munge.
# ctest kills a test that overruns its TIMEOUT with SIGKILL, which no trap can catch: `timeout`
# sends SIGTERM well before that, so the harness still tears the cluster down.
exec timeout --kill-after=90 480 bash "$SSOC_SOURCE_DIR/tests/slurm/harness.sh" "$SSOC"
