"""qwen2.5-vl image processor: pixel_values and image_grid_thw from transformers' slow (PIL) processor.

Writes into the fixture folder:
  qwen25vl/preprocessor_config.json   Qwen2.5-VL-Instruct's file as the release stores it (original layout)
  small/preprocessor_config.json      the newer layout ("size": {shortest_edge, longest_edge}, nulls),
                                      small pixel limits and its own mean/std, so the set stays small
  diffusionvl*/config.json + preprocessor_config.json   DiffusionVL-Qwen2.5VL directories: its vision tower
                                      overrides the processor's pixel limits from config.json (384^2..512^2
                                      when config.json has none)
  images/NAME.png                     the awkward inputs (RGB, RGBA, greyscale, 1x1, extreme aspect)
  pixels.safetensors                  NAME -> pixel_values [grid_h * grid_w, 3 * 2 * 14 * 14], float32
  cases.json                          per case: config dir, png, pad, grid_thw or the error; the smart_resize
                                      table; DiffusionVL grids and pixel sums

The processor is built the way the releases build it: AutoImageProcessor.from_pretrained(dir) with the slow
processor (transformers 5: Qwen2VLImageProcessorPil; transformers 4: Qwen2VLImageProcessor, use_fast=False),
DiffusionVL's with min_pixels/max_pixels passed as its LlavaQwenVisionTower passes them.
"""
import json
import math
import pathlib

import numpy as np
from PIL import Image

QWEN25VL = {
    "min_pixels": 3136,
    "max_pixels": 12845056,
    "patch_size": 14,
    "temporal_patch_size": 2,
    "merge_size": 2,
    "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_std": [0.26862954, 0.26130258, 0.27577711],
    "image_processor_type": "Qwen2VLImageProcessor",
    "processor_class": "Qwen2_5_VLProcessor",
}

# The layout newer transformers write: pixel limits under "size", unused knobs as null.
SMALL = {
    "crop_size": None,
    "data_format": "channels_first",
    "default_to_square": True,
    "device": None,
    "do_center_crop": None,
    "do_convert_rgb": True,
    "do_normalize": True,
    "do_rescale": True,
    "do_resize": True,
    "image_mean": [0.45, 0.5, 0.55],
    "image_processor_type": "Qwen2VLImageProcessor",
    "image_std": [0.2, 0.25, 0.3],
    "input_data_format": None,
    "merge_size": 2,
    "patch_size": 14,
    "processor_class": "Qwen2_5_VLProcessor",
    "resample": 3,
    "rescale_factor": 0.00392156862745098,
    "return_tensors": None,
    "size": {"longest_edge": 28 * 28 * 8, "shortest_edge": 28 * 28 * 2},
    "temporal_patch_size": 2,
}

# DiffusionVL's LlavaQwenVisionTower (train/llava/model/multimodal_encoder/qwen_vision_tower.py): min/max pixels
# from the model config (train.py saves them there), else 384*384 and 512*512.
DIFFUSIONVL_DEFAULT_PIXELS = (384 * 384, 512 * 512)
DIFFUSIONVL_DIRS = {
    "diffusionvl": {},
    "diffusionvl_pixels": {"min_pixels": 256 * 28 * 28, "max_pixels": 400 * 28 * 28},
}

# name, config dir, (width, height), PIL mode, expand2square first
CASES = [
    ("square28", "qwen25vl", (28, 28), "RGB", False),
    ("odd29x57", "qwen25vl", (29, 57), "RGB", False),
    ("one_pixel", "qwen25vl", (1, 1), "RGB", False),
    ("half_even70x42", "qwen25vl", (70, 42), "RGB", False),
    ("wide1000x37", "small", (1000, 37), "RGB", False),
    ("photo640x480", "small", (640, 480), "RGB", False),
    ("tall90x700", "small", (90, 700), "RGB", False),
    ("tiny20x15", "small", (20, 15), "RGB", False),
    ("rgba45x33", "small", (45, 33), "RGBA", False),
    ("grey50x41", "small", (50, 41), "L", False),
    ("pad60x30", "small", (60, 30), "RGB", True),
    ("aspect201x1", "qwen25vl", (201, 1), "RGB", False),
    ("aspect3x700", "small", (3, 700), "RGB", False),
]

# Sizes (height, width) for the smart_resize table: rounding ties, both branches, the clamps, the ratio limit.
TABLE_SIZES = [
    (1, 1), (1, 200), (200, 1), (1, 201), (2, 401), (10, 2000), (27, 27), (28, 28), (41, 41), (42, 42),
    (42, 70), (70, 42), (98, 126), (14, 14), (13, 15), (56, 56), (55, 57), (100, 100), (224, 224), (383, 385),
    (384, 384), (480, 640), (512, 512), (600, 400), (700, 90), (37, 1000), (1080, 1920), (1920, 1080),
    (3000, 4000), (4000, 3000), (8000, 200), (5000, 5000), (12345, 678), (333, 777), (1023, 1025), (7, 1400),
]
TABLE_LIMITS = [(3136, 12845056), (3136, 1003520), (147456, 262144), (1568, 6272), (200704, 313600)]

# DiffusionVL grids: (width, height) of test-pattern images (no PNG: the Java test draws the same pattern).
DIFFUSIONVL_SIZES = [(640, 480), (100, 100), (1920, 1080), (300, 900), (512, 512), (2, 300)]


def pattern(width, height):
    """r, g, b from simple formulas of x and y (dvlcap's PilResizeTest.pattern draws the same)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    rgb = np.stack([(x * 37 + y * 91) % 256, (x * x * 7 + y * 13) % 256, (x * y * 5 + 17) % 256], axis=-1)
    return Image.fromarray(rgb.astype(np.uint8), "RGB")


def image(name, size, mode, rng):
    w, h = size
    if mode == "L":
        return Image.fromarray(rng.integers(0, 256, (h, w), dtype=np.uint8), "L")
    if mode == "RGBA":
        px = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
        px[: h // 3, :, 3] = 0  # fully transparent rows: their colour must survive convert("RGB")
        return Image.fromarray(px, "RGBA")
    # Gradients with hard edges (a 7x5 checkerboard) so bicubic overshoot and clipping get exercised; small
    # images get noise on top (large noisy PNGs would not stay small).
    y, x = np.mgrid[0:h, 0:w]
    check = ((x // 7 + y // 5) % 2) * 120.0
    base = np.stack([x * 255.0 / max(w - 1, 1), y * 255.0 / max(h - 1, 1), 60 + check], axis=-1)
    if w * h <= 4096:
        base = base + rng.normal(0, 40, (h, w, 3))
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")


def expand2square(img, colour):
    """LLaVA's expand2square (DiffusionVL applies it only when training with image_aspect_ratio pad)."""
    w, h = img.size
    if w == h:
        return img
    side = max(w, h)
    out = Image.new(img.mode, (side, side), colour)
    out.paste(img, ((side - w) // 2, (side - h) // 2))
    return out


def slow_processor_class():
    try:
        from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

        return Qwen2VLImageProcessorPil
    except ImportError:  # transformers 4: the slow processor is Qwen2VLImageProcessor itself
        from transformers.models.qwen2_vl.image_processing_qwen2_vl import Qwen2VLImageProcessor

        return Qwen2VLImageProcessor


def smart_resize_function():
    try:
        from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import smart_resize
    except ImportError:
        from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize
    return smart_resize


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2) + "\n")


def generate(out_dir: pathlib.Path):
    import transformers
    from safetensors.numpy import save_file

    processor_class = slow_processor_class()
    smart_resize = smart_resize_function()
    write_json(out_dir / "qwen25vl" / "preprocessor_config.json", QWEN25VL)
    write_json(out_dir / "small" / "preprocessor_config.json", SMALL)
    processors = {name: processor_class.from_pretrained(str(out_dir / name)) for name in ("qwen25vl", "small")}

    rng = np.random.default_rng(20250609)
    tensors = {}
    cases = []
    (out_dir / "images").mkdir(exist_ok=True)
    for name, config, size, mode, pad in CASES:
        img = image(name, size, mode, rng)
        png = f"images/{name}.png"
        img.save(out_dir / png)
        img = Image.open(out_dir / png)  # what the engine reads is the file, so the reference reads it too
        case = {"name": name, "config": config, "png": png, "width": size[0], "height": size[1], "pad": pad}
        proc = processors[config]
        if pad:
            img = expand2square(img.convert("RGB"), tuple(int(x * 255) for x in proc.image_mean))
        try:
            out = proc(images=img, return_tensors="np")
        except ValueError as e:
            case["error"] = str(e)
            cases.append(case)
            continue
        pv = np.ascontiguousarray(out["pixel_values"], dtype=np.float32)
        case["grid_thw"] = [int(v) for v in out["image_grid_thw"][0]]
        assert pv.shape[0] == case["grid_thw"][1] * case["grid_thw"][2], (name, pv.shape)
        tensors[name] = pv
        cases.append(case)

    table = []
    for min_px, max_px in TABLE_LIMITS:
        for h, w in TABLE_SIZES:
            row = {"height": h, "width": w, "min_pixels": min_px, "max_pixels": max_px}
            try:
                rh, rw = smart_resize(h, w, factor=28, min_pixels=min_px, max_pixels=max_px)
                row["resized"] = [int(rh), int(rw)]
            except ValueError as e:
                row["error"] = str(e)
            table.append(row)

    diffusionvl = []
    for dir_name, pixels in DIFFUSIONVL_DIRS.items():
        config = {
            "architectures": ["DiffusionVLQwenVLForCausalLM"],
            "model_type": "diffusionvl_qwenvl",
            "mm_vision_tower": "Qwen/Qwen2.5-VL-7B-Instruct",
            "image_aspect_ratio": "pad",
            **pixels,
        }
        write_json(out_dir / dir_name / "config.json", config)
        write_json(out_dir / dir_name / "preprocessor_config.json", QWEN25VL)
        min_px = pixels.get("min_pixels", DIFFUSIONVL_DEFAULT_PIXELS[0])
        max_px = pixels.get("max_pixels", DIFFUSIONVL_DEFAULT_PIXELS[1])
        # As LlavaQwenVisionTower builds it: the processor with the config's pixel limits passed as arguments.
        proc = processor_class.from_pretrained(str(out_dir / dir_name), min_pixels=min_px, max_pixels=max_px)
        for w, h in DIFFUSIONVL_SIZES:
            out = proc(images=pattern(w, h), return_tensors="np")
            pv = np.asarray(out["pixel_values"], dtype=np.float64)
            diffusionvl.append({
                "dir": dir_name, "width": w, "height": h,
                "grid_thw": [int(v) for v in out["image_grid_thw"][0]],
                "sum": float(pv.sum()), "abs_sum": float(np.abs(pv).sum()),
            })

    save_file(tensors, str(out_dir / "pixels.safetensors"))
    write_json(out_dir / "cases.json", {
        "transformers": transformers.__version__,
        "processor": processor_class.__name__,
        "cases": cases,
        "smart_resize": table,
        "diffusionvl": diffusionvl,
    })
    total = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    print(f"  {len(tensors)} pixel sets, {len(table)} smart_resize rows, {len(diffusionvl)} DiffusionVL grids, "
          f"{total / 1024:.0f} KiB")
