"""Block bootstrap: the kit's prefix-sum circular block bootstrap against arch's
CircularBlockBootstrap drawing the same blocks (tests/test_bootstrap_arch.py shows they give the
same numbers).  Prints the times of one run and their ratio.

    .venv/bin/python benchmarks/bench_bootstrap.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from smallcaps import stats  # noqa: E402
from test_bootstrap_arch import arch_diff  # noqa: E402

N, BLOCK, N_BOOT = 9_300, 252, 2_000  # the divergence study: daily history, 12-month horizon


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0.03, 1.0, N).cumsum() / 10
    f = np.zeros(N, dtype=bool)
    f[::400] = True
    t0 = time.perf_counter()
    ours = stats.block_bootstrap_diff(x, f, block=BLOCK, n_boot=N_BOOT, seed=1)
    t1 = time.perf_counter()
    theirs = arch_diff(x, f, BLOCK, N_BOOT, 1)
    t2 = time.perf_counter()
    same = np.isclose(ours["p_value"], theirs["p_value"]) and np.isclose(
        ours["ci_low"], theirs["ci_low"])
    print(f"n={N:,} block={BLOCK} replicates={N_BOOT:,}; same result: {bool(same)}")
    print(f"smallcaps prefix sums : {t1 - t0:8.3f} s")
    print(f"arch CircularBlockBootstrap: {t2 - t1:8.3f} s")
    print(f"ratio smallcaps / arch: {(t1 - t0) / (t2 - t1):.3f}")


if __name__ == "__main__":
    main()
