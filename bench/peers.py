# The Python peers of `npm run bench`: numpy, PyTorch and scikit-learn on the same workloads as
# bench/run.ts, single-threaded (OPENBLAS_NUM_THREADS=1 is set by the caller; torch.set_num_threads(1)
# here). Prints one JSON line per figure: {"workload","impl","metric","value","unit"}, and a
# {"notice": ...} line for each peer that is not importable. Medians of RUNS timed runs after warm-up.
#
# Workloads (the same arithmetic as ours):
#   seed        [1, 64, 1] leaky ReLU (0.01) hidden, linear output, MSE, 201 points, one full-batch
#               gradient-descent step (float64), microseconds per step
#   mnist       784-128-10, ReLU, softmax cross-entropy, batch 128, one SGD step (float32), samples/s
#   matmul      128×784 · 784×128 (float32), GFLOP/s
#   fit-square  scikit-learn MLPRegressor(solver="lbfgs"), [1, 64, 1] ReLU, y = x² on the 201
#               points to MSE < 1e-5: seconds for the fit with the fewest iterations that gets there
#   tabular-default  10-64-64-1 tanh, MSE, Adam (learning rate 0.001), 1,000 full-batch epochs of
#               the 750 × 10 table of tabular_data() (the formula of bench/ours.ts): seconds per fit;
#               scikit-learn MLPRegressor (sklearn-adam, float64) and PyTorch (torch float64, torch-f32)
# run.ts runs this script with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, and again with the newest
# OPENBLAS_CORETYPE the processor allows when unset loads the generic Prescott kernel (bench/blas.ts).
import json
import os
import sys
import time

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
# wall time, or the process's CPU time when run.ts is given --cpu (BENCH_CLOCK=cpu)
clock = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter


def emit(workload, impl, metric, value, unit):
    print(json.dumps({"workload": workload, "impl": impl, "metric": metric, "value": value, "unit": unit}), flush=True)


def notice(text):
    print(json.dumps({"notice": text}), flush=True)


def median_seconds(fn, min_time=0.15, runs=RUNS):
    """Median seconds per call: warm up, pick a repetition count giving runs of ~min_time, time `runs` runs."""
    fn()
    reps = 1
    while True:
        t0 = clock()
        for _ in range(reps):
            fn()
        dt = clock() - t0
        if dt >= min_time / 4 or reps >= 1 << 20:
            break
        reps *= 2
    reps = max(1, int(reps * min_time / max(dt, 1e-9)))
    times = []
    for _ in range(runs):
        t0 = clock()
        for _ in range(reps):
            fn()
        times.append((clock() - t0) / reps)
    times.sort()
    return times[len(times) // 2]


def tabular_data():
    """750 rows of 10 features and one target, the same numbers as bench/ours.ts's tabularData()."""
    import numpy as np

    i = np.arange(750).reshape(-1, 1)
    j = np.arange(10).reshape(1, -1)
    x = (((i * 31 + j * 17) % 101) / 50 - 1) * (1 + j / 10)
    y = np.sin(x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] + 0.1 * x[:, 4] * x[:, 4]
    return x, y


def blas_notice():
    """Which BLAS kernel the peers run (threadpoolctl, where installed), and the OpenBLAS variables."""
    unset = [v for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if v not in os.environ]
    try:
        import numpy  # noqa: F401 (loads the BLAS threadpoolctl inspects)
        from threadpoolctl import threadpool_info
    except ImportError:
        notice(f"BLAS: threadpoolctl not importable; unset: {', '.join(unset) or 'none'}")
        return
    libs = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} ({i.get('num_threads')} thread)"
            for i in threadpool_info() if i.get("user_api") == "blas"]
    notice(f"BLAS: {'; '.join(libs) or 'none found'}; unset for the peers: {', '.join(unset) or 'none'}")
    if any(i.get("architecture") == "Prescott" for i in threadpool_info() if i.get("user_api") == "blas"):
        # seen on this machine (OpenBLAS 0.3.21 on an AVX-512 Xeon it does not recognize): its oldest
        # x86-64 kernel; numpy's f64 matmul 14 GFLOP/s against 50 with OPENBLAS_CORETYPE=SkylakeX
        notice("BLAS: OpenBLAS recognized no core and runs its generic Prescott kernel here (the bench also "
               "measures the peers with the newest OPENBLAS_CORETYPE this processor allows and keeps the faster)")


def bench_numpy():
    import numpy as np

    # seed step, float64
    rng = np.random.default_rng(0)
    x = np.linspace(0, 1, 201).reshape(-1, 1)
    y = x * x
    w1 = rng.normal(0, np.sqrt(2.0), (1, 64))
    b1 = np.zeros(64)
    w2 = rng.normal(0, np.sqrt(2.0 / 64), (64, 1))
    b2 = np.zeros(1)
    lr = 1e-3

    def seed_step():
        nonlocal w1, b1, w2, b2
        z1 = x @ w1 + b1
        a1 = np.where(z1 > 0, z1, 0.01 * z1)
        p = a1 @ w2 + b2
        dp = (2.0 / p.size) * (p - y)
        dw2 = a1.T @ dp
        db2 = dp.sum(0)
        da1 = dp @ w2.T
        dz1 = np.where(z1 > 0, da1, 0.01 * da1)
        dw1 = x.T @ dz1
        db1 = dz1.sum(0)
        w1 -= lr * dw1
        b1 -= lr * db1
        w2 -= lr * dw2
        b2 -= lr * db2

    emit("seed", "numpy", "us_per_step", median_seconds(seed_step) * 1e6, "us")

    # MNIST-scale step, float32
    f = np.float32
    xm = rng.random((128, 784), dtype=f)
    labels = rng.integers(0, 10, 128)
    ym = np.zeros((128, 10), dtype=f)
    ym[np.arange(128), labels] = 1
    v1 = (rng.normal(0, np.sqrt(2 / 784), (784, 128))).astype(f)
    c1 = np.zeros(128, dtype=f)
    v2 = (rng.normal(0, np.sqrt(1 / 128), (128, 10))).astype(f)
    c2 = np.zeros(10, dtype=f)
    lrm = f(0.01)

    def mnist_step():
        nonlocal v1, c1, v2, c2
        z1 = xm @ v1 + c1
        a1 = np.maximum(z1, 0)
        z2 = a1 @ v2 + c2
        e = np.exp(z2 - z2.max(1, keepdims=True))
        s = e / e.sum(1, keepdims=True)
        dz2 = (s - ym) / f(128)
        dv2 = a1.T @ dz2
        dc2 = dz2.sum(0)
        da1 = dz2 @ v2.T
        dz1 = da1 * (z1 > 0)
        dv1 = xm.T @ dz1
        dc1 = dz1.sum(0)
        v1 -= lrm * dv1
        c1 -= lrm * dc1
        v2 -= lrm * dv2
        c2 -= lrm * dc2

    emit("mnist", "numpy", "samples_per_s", 128 / median_seconds(mnist_step), "samples/s")

    a = rng.random((128, 784), dtype=f)
    b = rng.random((784, 128), dtype=f)
    emit("matmul", "numpy", "gflops", 2 * 128 * 784 * 128 / median_seconds(lambda: a @ b) / 1e9, "GFLOP/s")


def bench_torch():
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    x = torch.linspace(0, 1, 201, dtype=torch.float64).reshape(-1, 1)
    y = x * x
    model = torch.nn.Sequential(torch.nn.Linear(1, 64), torch.nn.LeakyReLU(0.01), torch.nn.Linear(64, 1)).double()
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    mse = torch.nn.MSELoss()

    def seed_step():
        opt.zero_grad()
        loss = mse(model(x), y)
        loss.backward()
        opt.step()

    emit("seed", "torch", "us_per_step", median_seconds(seed_step) * 1e6, "us")

    xm = torch.rand(128, 784)
    labels = torch.randint(0, 10, (128,))
    mlp = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    optm = torch.optim.SGD(mlp.parameters(), lr=0.01)
    ce = torch.nn.CrossEntropyLoss()

    def mnist_step():
        optm.zero_grad()
        loss = ce(mlp(xm), labels)
        loss.backward()
        optm.step()

    emit("mnist", "torch", "samples_per_s", 128 / median_seconds(mnist_step), "samples/s")

    a = torch.rand(128, 784)
    b = torch.rand(784, 128)
    emit("matmul", "torch", "gflops", 2 * 128 * 784 * 128 / median_seconds(lambda: a @ b) / 1e9, "GFLOP/s")

    tx, ty = tabular_data()
    for dtype, impl in ((torch.float64, "torch"), (torch.float32, "torch-f32")):
        xt = torch.tensor(tx, dtype=dtype)
        yt = torch.tensor(ty, dtype=dtype).reshape(-1, 1)

        def fit_tabular():
            net = torch.nn.Sequential(torch.nn.Linear(10, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64),
                                      torch.nn.Tanh(), torch.nn.Linear(64, 1)).to(dtype)
            opt = torch.optim.Adam(net.parameters(), lr=1e-3)
            for _ in range(1000):
                opt.zero_grad()
                loss = mse(net(xt), yt)
                loss.backward()
                opt.step()

        emit("tabular-default", impl, "seconds", median_seconds(fit_tabular, min_time=0, runs=5), "s")


def bench_sklearn():
    import warnings

    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    x = np.linspace(0, 1, 201).reshape(-1, 1)
    y = (x * x).ravel()

    def make(iterations):
        return MLPRegressor(hidden_layer_sizes=(64,), activation="relu", solver="lbfgs", alpha=0.0,
                            max_iter=iterations, max_fun=10 ** 7, tol=0.0, random_state=0)

    def mse_after(iterations):
        m = make(iterations).fit(x, y)
        return float(np.mean((m.predict(x) - y) ** 2))

    # the fewest iterations reaching MSE < 1e-5: doubling, then bisection
    hi = 16
    while mse_after(hi) >= 1e-5:
        hi *= 2
        if hi > 1 << 16:
            notice("sklearn-lbfgs did not reach MSE < 1e-5 within 65536 iterations")
            return
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mse_after(mid) < 1e-5:
            hi = mid
        else:
            lo = mid
    seconds = median_seconds(lambda: make(hi).fit(x, y), min_time=0, runs=5)
    emit("fit-square", "sklearn-lbfgs", "seconds", seconds, "s")
    notice(f"sklearn-lbfgs: {hi} L-BFGS iterations to MSE < 1e-5")

    tx, ty = tabular_data()

    def fit_tabular():
        MLPRegressor(hidden_layer_sizes=(64, 64), activation="tanh", solver="adam", batch_size=750, max_iter=1000,
                     tol=0, n_iter_no_change=10 ** 9, random_state=0).fit(tx, ty)

    emit("tabular-default", "sklearn-adam", "seconds", median_seconds(fit_tabular, min_time=0, runs=5), "s")


blas_notice()
for name, fn in (("numpy", bench_numpy), ("torch", bench_torch), ("sklearn", bench_sklearn)):
    try:
        __import__(name)
    except ImportError:
        notice(f"{name} is not importable by {sys.executable}: skipped")
        continue
    fn()
