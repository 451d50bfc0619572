#!/usr/bin/env python3
"""CPU kernels beside OpenBLAS (numpy), torch and transformers, measured side by side.

Run through bench/compare-cpu.sh (which builds the engine and sets the thread counts). Every
figure of the table is a ratio of two timings taken by this one script, with the same threads and
shapes, one after the other:

  1. matmul out = x @ w.T (float32; w is out x in, row-major like the engine's weights):
     dvlcap's VectorBackend.matmul (dvlcap.bench.CpuKernelTimer) vs numpy (OpenBLAS sgemm) vs
     torch.matmul, qwen2.5-0.5b layer shapes, 1, 16 and 128 rows; the best of repeated calls (the machine is shared).
  2. a whole qwen2.5-0.5b-shaped LM forward over a 768-position cache: `dvlcap bench --shape`
     vs transformers' Qwen2ForCausalLM (random weights, fp32, sdpa attention, a DynamicCache of
     768 random positions, cropped back after every timed forward), batch 1 and 16, 1 and 8
     query tokens per sequence; median of --iterations after --warmup untimed forwards on each side
     (the same count: the engine's per-layer vector kernels reach C2 only after 15-20 forwards,
     while torch has no JIT to warm, so one warm-up each would time the engine's interpreter).
  3. the same forward with bf16 weights kept as stored (`dvlcap bench --model` of a checkpoint
     written with --dtype bf16) vs the f32 one, batch 1.
  4. bytes of weights a batch-1 forward reads / its time, vs a plain read of a large array
     (Java: a Vector API sum over threads; numpy: a.sum()).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HIDDEN, INTER, HEADS, KV_HEADS, LAYERS, VOCAB = 896, 4864, 14, 2, 24, 151936
HEAD_DIM = HIDDEN // HEADS
SHAPES = [(HIDDEN, HIDDEN), (HIDDEN, KV_HEADS * HEAD_DIM), (HIDDEN, INTER), (INTER, HIDDEN)]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def java_cmd(main, args):
    cp = open(os.path.join(ROOT, "gpu-runtime/target/classpath.txt")).read().strip()
    java = os.path.join(os.environ["JAVA_HOME"], "bin/java") if os.environ.get("JAVA_HOME") else "java"
    return [java, "--add-modules", "jdk.incubator.vector", "-XX:MaxRAMPercentage=75",
            f"-XX:ActiveProcessorCount={os.environ.get('OMP_NUM_THREADS', os.cpu_count())}",
            "-cp", os.path.join(ROOT, "gpu-runtime/target/classes") + ":" + cp, main] + args


def run(cmd):
    log("$", " ".join(c if len(c) < 200 else c[:60] + "..." for c in cmd))
    # the engine's worker pool has one thread per core the JVM sees: give it the script's threads
    env = dict(os.environ, DVLCAP_JAVA_OPTS=(os.environ.get("DVLCAP_JAVA_OPTS", "") + " -XX:ActiveProcessorCount="
                                              + os.environ.get("OMP_NUM_THREADS", str(os.cpu_count()))).strip())
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        log(p.stdout, p.stderr)
        raise SystemExit(f"failed: {cmd[-1] if len(cmd) < 3 else ' '.join(cmd[-8:])}")
    return p.stdout


def best_ms(fn, seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        fn()
    times = []
    end = time.perf_counter() + seconds
    while len(times) < 5 or time.perf_counter() < end:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def java_kernels(rows, seconds, read_mib, dtypes):
    shapes = ",".join(f"{i}x{o}" for i, o in SHAPES)
    out = run(java_cmd("dvlcap.bench.CpuKernelTimer",
                       ["--shapes", shapes, "--rows", ",".join(map(str, rows)), "--dtypes", dtypes,
                        "--read-mib", str(read_mib), "--seconds", str(seconds)]))
    mm, read = {}, None
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "matmul":
            i, o = map(int, f[2].split("x"))
            mm[(f[1], i, o, int(f[3]))] = float(f[4])
        elif f[0] == "read":
            read = float(f[2])
    return mm, read


def py_kernels(rows, seconds, read_mib):
    import torch
    rng = np.random.default_rng(1)
    res = {}
    for i, o in SHAPES:
        w = (rng.standard_normal((o, i), dtype=np.float32) * 0.02)
        wt = torch.from_numpy(w)
        for r in rows:
            x = rng.standard_normal((r, i), dtype=np.float32)
            xt = torch.from_numpy(x)
            out = np.empty((r, o), dtype=np.float32)
            res[("numpy", i, o, r)] = best_ms(lambda: np.matmul(x, w.T, out=out), seconds)
            res[("torch", i, o, r)] = best_ms(lambda: torch.matmul(xt, wt.T), seconds)
    # Does a row's result depend on the other rows of the call (the engine's batch-invariance)?
    w = rng.standard_normal((INTER, HIDDEN), dtype=np.float32) * 0.02
    x = rng.standard_normal((128, HIDDEN), dtype=np.float32)
    res["invariant numpy"] = all(np.array_equal((x[:r] @ w.T)[0], (x[:1] @ w.T)[0]) for r in rows)
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    res["invariant torch"] = all(torch.equal(torch.matmul(xt[:r], wt.T)[0], torch.matmul(xt[:1], wt.T)[0])
                                 for r in rows)
    a = np.arange(read_mib * (1 << 20) // 4, dtype=np.float32) % 8
    ms = best_ms(lambda: a.sum(), seconds)
    return res, a.nbytes / (ms * 1e6)


def dvlcap_forward(batch, queries, iterations, warmup, model=None):
    args = ["--model", model] if model else ["--shape", "qwen2.5-0.5b"]
    out = run([os.path.join(ROOT, "bin/dvlcap"), "bench", *args, "--batch-size", str(batch), "--context", "768",
               "--query-tokens", ",".join(map(str, queries)), "--iterations", str(iterations),
               "--warmup", str(warmup), "--decoders", "none"])
    ms = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) == 4 and f[0].isdigit():
            ms[int(f[0])] = float(f[1])
    return ms


def hf_forward(batch, queries, iterations, warmup, threads):
    import torch
    from transformers import DynamicCache, Qwen2Config, Qwen2ForCausalLM
    torch.manual_seed(1)
    cfg = Qwen2Config(hidden_size=HIDDEN, intermediate_size=INTER, num_hidden_layers=LAYERS,
                      num_attention_heads=HEADS, num_key_value_heads=KV_HEADS, vocab_size=VOCAB,
                      tie_word_embeddings=True, max_position_embeddings=32768, rope_theta=1000000.0,
                      rms_norm_eps=1e-6)
    model = Qwen2ForCausalLM(cfg).eval().float()
    ctx = 768
    res = {}
    with torch.inference_mode():
        for b in batch:
            cache = DynamicCache()
            for layer in range(LAYERS):
                k = torch.randn(b, KV_HEADS, ctx, HEAD_DIM)
                v = torch.randn(b, KV_HEADS, ctx, HEAD_DIM)
                cache.update(k, v, layer)
            for q in queries:
                ids = torch.randint(0, VOCAB, (b, q))
                mask = torch.ones(b, ctx + q, dtype=torch.long)
                pos = torch.arange(ctx, ctx + q).unsqueeze(0).expand(b, q)

                def fwd():
                    model(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=cache,
                          use_cache=True)
                    cache.crop(-q)  # back to the 768 cached positions
                for _ in range(warmup):  # as many untimed forwards as the engine gets
                    fwd()
                times = []
                for _ in range(iterations):
                    t = time.perf_counter()
                    fwd()
                    times.append(time.perf_counter() - t)
                res[(b, q)] = statistics.median(times) * 1e3
                log(f"transformers batch {b} q {q}: {res[(b, q)]:.1f} ms")
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="1,16,128")
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=20,
                    help="untimed forwards before the timed ones, per point, the same on both sides")
    ap.add_argument("--read-mib", type=int, default=1024)
    ap.add_argument("--bf16-dir", default="/tmp/dvlcap-qwen05-bf16")
    ap.add_argument("--parts", default="matmul,forward,bf16",
                    help="which parts to run: matmul, forward, bf16")
    ap.add_argument("--json", help="also write the raw timings here")
    a = ap.parse_args()
    threads = int(os.environ.get("OMP_NUM_THREADS", os.cpu_count()))
    import torch
    torch.set_num_threads(threads)
    rows = [int(r) for r in a.rows.split(",")]
    parts = set(a.parts.split(","))
    raw = {"threads": threads}
    lines = []

    jmm, jread = java_kernels(rows if "matmul" in parts else [1], a.seconds, a.read_mib, "f32")
    pmm, pread = py_kernels(rows if "matmul" in parts else [], a.seconds, a.read_mib)
    raw["read_gbs"] = {"java": jread, "numpy": pread}
    if "matmul" in parts:
        lines.append("| matmul in x out | rows | dvlcap ms | numpy (OpenBLAS) ms | torch ms "
                     "| dvlcap / numpy speed | dvlcap / torch speed |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for i, o in SHAPES:
            for r in rows:
                j, n, t = jmm[("f32", i, o, r)], pmm[("numpy", i, o, r)], pmm[("torch", i, o, r)]
                lines.append(f"| {i}x{o} | {r} | {j:.3f} | {n:.3f} | {t:.3f} | {n / j:.2f} | {t / j:.2f} |")
        lines.append(f"row 0 of {HIDDEN}x{INTER} bit-identical at rows {a.rows} vs 1: numpy "
                     f"{pmm['invariant numpy']}, torch {pmm['invariant torch']}, dvlcap True (VectorBackendBatchIndependenceTest)")
        raw["matmul"] = {k if isinstance(k, str) else " ".join(map(str, k)): v for k, v in {**jmm, **pmm}.items()}
    fw = {}
    if "forward" in parts:
        for b in (1, 16):
            for q, ms in dvlcap_forward(b, [1, 8], a.iterations, a.warmup).items():
                fw[(b, q)] = ms
        hf = hf_forward([1, 16], [1, 8], a.iterations, a.warmup, threads)
        lines.append("")
        lines.append("| LM forward, 768 cached | batch | query tokens | dvlcap ms | transformers ms "
                     "| dvlcap / transformers time |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for (b, q), ms in sorted(fw.items()):
            lines.append(f"| qwen2.5-0.5b f32 | {b} | {q} | {ms:.1f} | {hf[(b, q)]:.1f} | {ms / hf[(b, q)]:.2f} |")
        raw["forward"] = {"dvlcap": {f"{k}": v for k, v in fw.items()}, "transformers": {f"{k}": v for k, v in hf.items()}}
    if "bf16" in parts:
        if not os.path.exists(os.path.join(a.bf16_dir, "config.json")):
            run([os.path.join(ROOT, "bin/dvlcap"), "bench", "--shape", "qwen2.5-0.5b", "--dtype", "bf16",
                 "--write-checkpoint", a.bf16_dir])
        f32 = dvlcap_forward(1, [1], a.iterations, a.warmup)[1]
        bf = dvlcap_forward(1, [1], a.iterations, a.warmup, model=a.bf16_dir)[1]
        params = LAYERS * (2 * HIDDEN * HIDDEN + 2 * HIDDEN * KV_HEADS * HEAD_DIM + 3 * HIDDEN * INTER) + VOCAB * HIDDEN
        lines.append("")
        lines.append("| batch-1 forward, 768 cached | ms | weight GB read | GB/s | / Java plain read | / numpy plain read |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for name, ms, bytes_per in (("f32 weights", f32, 4), ("bf16 weights (stored)", bf, 2)):
            gb = params * bytes_per / 1e9
            lines.append(f"| {name} | {ms:.1f} | {gb:.3f} | {gb / ms * 1e3:.2f} | {gb / ms * 1e3 / jread:.2f} "
                         f"| {gb / ms * 1e3 / pread:.2f} |")
        lines.append(f"| bf16 / f32 time | {bf / f32:.2f} | | | | |")
        raw["bf16"] = {"f32_ms": f32, "bf16_ms": bf}
    lines.append("")
    lines.append(f"plain read of {a.read_mib} MiB: Java (Vector API, {threads} threads) {jread:.2f} GB/s, "
                 f"numpy sum {pread:.2f} GB/s; threads: {threads}")
    print("\n".join(lines))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(raw, f, indent=1)


if __name__ == "__main__":
    main()
