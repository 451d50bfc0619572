#!/usr/bin/env python3
"""PyTorch side of the GPU device check (device-check.sh beside this), on the same GPU and shapes.

  device_bench.py torch --out torch.json [--gemm-rows 1,2,...] [--batches 1,16,64,128]
      torch.matmul bf16 TFLOP/s on the engine's projection shapes (the shapes of GemmBench.java),
      device-to-device copy bandwidth (the floor of a weight-bound forward), and Hugging Face
      transformers' AR generate tokens/s on a random Qwen2 model of the qwen2.5-vl-3b-lm shape.
  device_bench.py report --torch torch.json --gemm gemm.csv --bench-dir DIR
      the ratios the issue targets, as text: our GEMM / torch.matmul, forward ms / bandwidth floor,
      engine tokens/s / transformers AR tokens/s.

Each measurement is the mean over timed repetitions after warm-ups, timed with CUDA events.
"""
import argparse
import csv
import glob
import json
import os
import sys
import time

# GemmBench.DEFAULT_SHAPES: Qwen2.5-VL-3B's LM projections (K inputs, M outputs)
SHAPES = [("q_o", 2048, 2048), ("k_v", 2048, 256), ("gate_up", 2048, 11008), ("down", 11008, 2048),
          ("lm_head", 2048, 151936)]
# dvlcap.bench.ModelShapes "qwen2.5-vl-3b-lm"
LM = dict(vocab=151936, hidden=2048, intermediate=11008, layers=36, heads=16, kv_heads=2, head_dim=128,
          rope_theta=1e6, max_pos=32768, tied=True)


def lm_weight_bytes(c=LM, bytes_per=2):
    """bf16 bytes one forward reads: every layer's matrices and biases, the norms, and the lm_head."""
    h, i = c["hidden"], c["intermediate"]
    q, kv = c["heads"] * c["head_dim"], c["kv_heads"] * c["head_dim"]
    per_layer = h * q + q + 2 * (h * kv + kv) + q * h + 3 * h * i + 2 * h
    return bytes_per * (c["layers"] * per_layer + h + c["vocab"] * h)


def timed(torch, fn, warmup=3, min_s=0.05, max_iters=2000):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    fn()
    e.record()
    torch.cuda.synchronize()
    one = max(s.elapsed_time(e) / 1e3, 1e-6)
    iters = int(max(5, min(max_iters, min_s / one)))
    s.record()
    for _ in range(iters):
        fn()
    e.record()
    torch.cuda.synchronize()
    return s.elapsed_time(e) / 1e3 / iters


def measure_torch(args):
    import torch
    if not torch.cuda.is_available():
        print("device_bench: torch sees no CUDA device", file=sys.stderr)
        sys.exit(1)
    dev = torch.device("cuda")
    res = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0),
           "sm_count": torch.cuda.get_device_properties(0).multi_processor_count}
    print(f"# torch {torch.__version__} on {res['device']}", flush=True)

    # 1. device-to-device copy: bytes read + written per second
    n = (2 << 30) // 2  # 2 GiB of bf16
    a = torch.empty(n, dtype=torch.bfloat16, device=dev)
    b = torch.empty_like(a)
    a.fill_(1)
    t = timed(torch, lambda: b.copy_(a), min_s=0.1)
    res["copy_bytes"] = 2 * a.numel() * a.element_size()
    res["copy_tb_per_s"] = res["copy_bytes"] / t / 1e12
    del a, b
    floor_ms = lm_weight_bytes() / (res["copy_tb_per_s"] * 1e12) * 1e3
    res["lm_weight_bytes"] = lm_weight_bytes()
    res["forward_floor_ms"] = floor_ms
    print(f"copy: {res['copy_tb_per_s']:.2f} TB/s (read + write); qwen2.5-vl-3b-lm bf16 weights "
          f"{lm_weight_bytes() / 1e9:.2f} GB -> floor {floor_ms:.3f} ms per forward", flush=True)

    # 2. torch.matmul bf16 on the engine's shapes: x (rows, K) @ w.T, w (M, K) as in nn.Linear
    rows_list = [int(r) for r in args.gemm_rows.split(",")]
    gemm = []
    torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = True
    for name, k, m in SHAPES:
        w = torch.randn(m, k, device=dev, dtype=torch.bfloat16) * 0.02
        for rows in rows_list:
            x = torch.randn(rows, k, device=dev, dtype=torch.bfloat16)
            t = timed(torch, lambda: torch.matmul(x, w.t()))
            gemm.append({"shape": name, "K": k, "M": m, "rows": rows, "ms": t * 1e3,
                         "tflops": 2 * rows * k * m / t / 1e12})
            print(f"torch.matmul {name} K={k} M={m} rows={rows}: {t * 1e3:.4f} ms, {gemm[-1]['tflops']:.2f} TFLOP/s",
                  flush=True)
        del w
    res["gemm"] = gemm
    torch.cuda.empty_cache()

    # 3. transformers AR generate on a random Qwen2 of the same LM shape, bf16, greedy, no early stop
    res["generate"] = []
    try:
        import transformers
        from transformers import Qwen2Config, Qwen2ForCausalLM
        res["transformers"] = transformers.__version__
        cfg = Qwen2Config(vocab_size=LM["vocab"], hidden_size=LM["hidden"], intermediate_size=LM["intermediate"],
                          num_hidden_layers=LM["layers"], num_attention_heads=LM["heads"],
                          num_key_value_heads=LM["kv_heads"], rope_theta=LM["rope_theta"],
                          max_position_embeddings=LM["max_pos"], tie_word_embeddings=LM["tied"])
        torch.manual_seed(0)
        t0 = time.time()
        prev = torch.get_default_dtype()
        torch.set_default_dtype(torch.bfloat16)
        with dev:
            model = Qwen2ForCausalLM(cfg)
        torch.set_default_dtype(prev)
        model = model.to(dev, torch.bfloat16).eval()
        print(f"transformers {transformers.__version__}: random Qwen2 "
              f"({sum(p.numel() for p in model.parameters()) / 1e9:.2f} B params) built in {time.time() - t0:.1f} s",
              flush=True)
        new = args.new_tokens
        for batch in [int(x) for x in args.batches.split(",")]:
            ids = torch.randint(0, LM["vocab"], (batch, args.context), device=dev)
            mask = torch.ones_like(ids)
            kw = dict(attention_mask=mask, max_new_tokens=new, min_new_tokens=new, do_sample=False,
                      pad_token_id=0, eos_token_id=None)
            try:
                with torch.inference_mode():
                    model.generate(ids, **dict(kw, max_new_tokens=4, min_new_tokens=4))  # warm-up
                    torch.cuda.synchronize()
                    t0 = time.time()
                    out = model.generate(ids, **kw)
                    torch.cuda.synchronize()
                    t = time.time() - t0
                made = (out.shape[1] - args.context) * batch
                row = {"batch": batch, "context": args.context, "new_tokens": new, "s": t,
                       "tokens_per_s": made / t, "ms_per_step": t / new * 1e3}
                print(f"transformers AR generate batch {batch}: {made} tokens in {t:.2f} s = "
                      f"{row['tokens_per_s']:.1f} tokens/s ({row['ms_per_step']:.2f} ms per step, prefill included)",
                      flush=True)
            except Exception as e:  # e.g. out of memory at a large batch: record it, go on
                row = {"batch": batch, "error": repr(e)[:300]}
                print(f"transformers AR generate batch {batch}: failed: {row['error']}", flush=True)
            res["generate"].append(row)
            with open(args.out, "w") as f:  # after every batch, so a timeout keeps what was measured
                json.dump(res, f, indent=1)
    except Exception as e:
        res["generate_error"] = repr(e)[:500]
        print(f"transformers generate: failed: {res['generate_error']}", flush=True)
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)


def parse_bench(path):
    """The engine bench's TSV sections: forward cost rows and decoding rows."""
    fwd, dec, header = [], [], None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or line.startswith("["):
                continue
            cols = line.split("\t")
            if cols[0] in ("query_tokens_per_seq", "decoder"):
                header = cols
                continue
            if header is None or len(cols) != len(header):
                continue
            row = dict(zip(header, cols))
            (fwd if header[0] == "query_tokens_per_seq" else dec).append(row)
    return fwd, dec


def report(args):
    out = []
    tj = {}
    if args.torch and os.path.exists(args.torch):
        with open(args.torch) as f:
            tj = json.load(f)
    ours = {}
    if args.gemm and os.path.exists(args.gemm):
        with open(args.gemm) as f:
            for r in csv.DictReader(f):
                ours[(r["shape"], int(r["rows"]))] = (float(r["tflops"]), float(r["ms"]))
    out.append(f"GPU: {tj.get('device', '?')}; torch {tj.get('torch', '?')}; transformers {tj.get('transformers', '?')}")
    out.append("")
    out.append("GEMM TFLOP/s, ours (fp32 activations, bf16 weights) vs torch.matmul bf16; target ours >= 0.7 x torch at rows >= 64")
    out.append("shape      K      M  rows   ours  torch  ratio")
    for g in tj.get("gemm", []):
        o, o_ms = ours.get((g["shape"], g["rows"]), (None, None))
        ratio = g["ms"] / o_ms if o_ms else None  # = ours TFLOP/s / torch TFLOP/s (same work)
        flag = "" if ratio is None or g["rows"] < 64 else ("  ok" if ratio >= 0.7 else "  BELOW TARGET")
        out.append(f"{g['shape']:8s} {g['K']:6d} {g['M']:6d} {g['rows']:5d} "
                   f"{(f'{o:6.1f}' if o is not None else '     -')} {g['tflops']:6.1f} "
                   f"{(f'{ratio:6.2f}' if ratio is not None else '     -')}{flag}")
    if not tj.get("gemm"):
        for (shape, rows), (o, _) in sorted(ours.items()):
            out.append(f"{shape:8s} rows {rows:5d} ours {o:6.1f} (no torch figure)")
    out.append("")
    floor = tj.get("forward_floor_ms")
    if floor:
        out.append(f"Bandwidth floor (qwen2.5-vl-3b-lm, {tj['lm_weight_bytes'] / 1e9:.2f} GB bf16 / "
                   f"{tj['copy_tb_per_s']:.2f} TB/s copy): {floor:.3f} ms per forward")
    gen = {g["batch"]: g for g in tj.get("generate", []) if "tokens_per_s" in g}
    for path in sorted(glob.glob(os.path.join(args.bench_dir or ".", "bench-*.tsv"))):
        name = os.path.basename(path)[len("bench-"):-len(".tsv")]
        fwd, dec = parse_bench(path)
        batch = int(name.rsplit("-b", 1)[1]) if "-b" in name else None
        out.append(f"engine bench {name}:")
        for r in fwd:
            extra = ""
            if floor and r["query_tokens_per_seq"] == "1" and batch == 1 and name.startswith("qwen2.5-vl-3b-lm"):
                ratio = float(r["ms_per_forward"]) / floor
                extra = f"  = {ratio:.2f} x floor (target <= 1.5){'' if ratio <= 1.5 else '  ABOVE TARGET'}"
            out.append(f"  forward q={r['query_tokens_per_seq']}: {r['ms_per_forward']} ms{extra}")
        for r in dec:
            extra = ""
            g = gen.get(batch)
            if g and name.startswith("qwen2.5-vl-3b-lm"):
                ratio = float(r["tokens_per_s"]) / g["tokens_per_s"]
                target = "  (target >= 2 at batch 1)" if r["decoder"] == "block" and batch == 1 else ""
                extra = f"  = {ratio:.2f} x transformers AR ({g['tokens_per_s']:.1f} tokens/s){target}"
            out.append(f"  {r['decoder']}: {r['tokens_per_s']} tokens/s, {r['ms_per_later_forward']} ms per later "
                       f"forward, {r['tokens_per_forward']} tokens per forward{extra}")
    for b, g in sorted(gen.items()):
        out.append(f"transformers AR generate batch {b}: {g['tokens_per_s']:.1f} tokens/s "
                   f"({g['new_tokens']} new tokens after {g['context']}, prefill included)")
    for g in tj.get("generate", []):
        if "error" in g:
            out.append(f"transformers AR generate batch {g['batch']}: failed: {g['error']}")
    print("\n".join(out))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("torch")
    t.add_argument("--out", required=True)
    t.add_argument("--gemm-rows", default="1,2,4,8,16,32,64,128,256,512")
    t.add_argument("--batches", default="1,16,64,128")
    t.add_argument("--context", type=int, default=256)
    t.add_argument("--new-tokens", type=int, default=64)
    r = sub.add_parser("report")
    r.add_argument("--torch")
    r.add_argument("--gemm")
    r.add_argument("--bench-dir")
    a = p.parse_args()
    measure_torch(a) if a.cmd == "torch" else report(a)


if __name__ == "__main__":
    main()
