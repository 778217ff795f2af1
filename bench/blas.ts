// Which OpenBLAS kernel the Python peers run, and the environments to run them in so that they are
// measured at their fastest (issue 16: "keeps the figures honest against the faster peer").
// Some machines set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, holding a current OpenBLAS to an older
// kernel: the peers run with both unset. But where OpenBLAS then recognizes no core (0.3.21 on a
// virtual "Intel Xeon Processor" with AVX-512 here) it falls back to Prescott, its oldest x86-64
// kernel: numpy's f64 matmul 14 GFLOP/s against 50 with OPENBLAS_CORETYPE=SkylakeX. So the peers
// then also run with the newest kernel the processor's flags allow — checked to load and to compute
// an exact product — and each figure keeps the faster of the two.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One environment for the Python peers and the OpenBLAS kernel it loads. */
export interface PeerEnv {
  /** e.g. "unset" or "OPENBLAS_CORETYPE=SkylakeX" */
  label: string;
  env: NodeJS.ProcessEnv;
  /** the kernel threadpoolctl reports ("Prescott", "SkylakeX", …), or null when it cannot say */
  kernel: string | null;
}

// Prints the BLAS kernel, then whether an 8×8 product of small integers (exact in float64) is right.
const probe = `
import numpy as np
kernel = None
try:
    from threadpoolctl import threadpool_info
    kernel = next((i.get("architecture") for i in threadpool_info() if i.get("user_api") == "blas"), None)
except ImportError:
    pass
rng = np.random.default_rng(0)
a = rng.integers(-9, 10, (8, 8)).astype(np.float64)
b = rng.integers(-9, 10, (8, 8)).astype(np.float64)
exact = [[sum(a[i, k] * b[k, j] for k in range(8)) for j in range(8)] for i in range(8)]
print(kernel, bool((a @ b == np.array(exact)).all()))
`;

function probeKernel(
  python: string,
  env: NodeJS.ProcessEnv,
): { kernel: string | null; exact: boolean } | null {
  const r = spawnSync(python, ['-c', probe], { encoding: 'utf8', env });
  if (r.status !== 0) return null;
  const [kernel, exact] = r.stdout.trim().split(' ');
  return { kernel: kernel === 'None' ? null : kernel, exact: exact === 'True' };
}

/** The newest OpenBLAS core type this processor's flags allow (x86-64 Linux), or null. */
function newestCoreType(): string | null {
  let flags: Set<string>;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    flags = new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
  } catch {
    return null;
  }
  if (['avx512f', 'avx512vl', 'avx512bw', 'avx512dq', 'avx512cd'].every((f) => flags.has(f)))
    return 'SkylakeX';
  if (['avx2', 'fma'].every((f) => flags.has(f))) return 'Haswell';
  return null;
}

/**
 * The environments to run the Python peers in: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, and, when
 * that loads the generic Prescott kernel, also the newest core type the processor allows (if it loads
 * and multiplies exactly). Thread counts are pinned to one in both.
 */
export function peerEnvs(python: string, extra: NodeJS.ProcessEnv = {}): PeerEnv[] {
  const { OPENBLAS_CORETYPE: _coretype, OPENBLAS_L2_SIZE: _l2, ...inherited } = process.env;
  const base = {
    ...inherited,
    OPENBLAS_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    ...extra,
  };
  const unset = probeKernel(python, base);
  const envs: PeerEnv[] = [{ label: 'unset', env: base, kernel: unset?.kernel ?? null }];
  const core = newestCoreType();
  if (unset?.kernel !== 'Prescott' || !core) return envs;
  const env = { ...base, OPENBLAS_CORETYPE: core };
  const tried = probeKernel(python, env);
  if (tried?.exact && tried.kernel === core)
    envs.push({ label: `OPENBLAS_CORETYPE=${core}`, env, kernel: core });
  return envs;
}
