"""LLaVA anyres (llava-qwen2, DiffusionVL-Qwen2.5-7B's vision side) against DiffusionVL's own code.

Builds a tiny random DiffusionVLQwenForCausalLM with the release's code (DIFFUSIONVL_SRC, the repository's
train/ folder) and writes, for a few awkward image sizes:
  images/NAME.png            the input image (8-bit RGB)
  pixels.safetensors         NAME -> process_anyres_image's tiles [1 + rows*cols, 3, S, S]
  features.safetensors       NAME -> prepare_inputs_labels_for_multimodal's image rows (after unpad,
                             anyres_max interpolation and newline rows), NAME/VARIANT for other
                             image_aspect_ratio / mm_patch_merge_type settings of the same model
  logits.safetensors         NAME/bB -> LM logits of the prompt's last rows under a block-causal mask
  cases.json                 geometry, prompt ids and argmax per case; geometry at the release's
                             384-pixel tiles for the "(1x1),...,(6x6)" pinpoint string
  model/                     config.json (the release's keys, plus vision_config for the tiny tower)
                             and model.safetensors in the release's tensor names

The tower keeps SigLIP-so400m's 27 x 27 patch grid per tile (image_size 54, patch 2) because the release
hard-codes it (SigLipVisionTower asserts 729 patches; the anyres_max rule divides by that unit).

Version shims, none of which touches the algorithm: the release targets transformers 4.55; under 5.x
`config.rope_scaling = None` would erase the RoPE parameters (4.x read None as default RoPE) and
SigLipVisionConfig.from_pretrained calls a helper 5.x removed. llava/model/__init__ imports every variant,
including a Qwen2.5-VL tower that imports names transformers 5 renamed; that tower is not used here, so
the package is entered without its __init__ and the tower module is a stub. llava.utils imports
`requests`, unused here.
"""
import json
import math
import os
import pathlib
import sys
import tempfile
import types

import numpy as np
import torch
from PIL import Image
from safetensors.torch import save_file

TILE, PATCH, UNIT = 54, 2, 27
LM_HIDDEN, VISION_HIDDEN = 8, 16
VOCAB = 96
BLOCK = 4
IMAGE_TOKEN_INDEX = -200

# name -> (width, height); chosen for: a wide 3x2 grid whose unpadded map is interpolated (anyres_max_4),
# a tall 2x3 grid unpadded in width, a 6x1 grid reached by downscaling whose unpad keeps one row more
# than int(h * scale), and a small 2x1 grid (cheap to store under other settings).
IMAGES = {"wide150x90": (150, 90), "tall61x143": (61, 143), "strip330x30": (330, 30), "small80x30": (80, 30)}
# (image_aspect_ratio, mm_patch_merge_type) variants of the same model
VARIANTS = {
    "small80x30": [("anyres_max_4", "spatial"), ("anyres_max_4", "flat"), ("anyres_max_4", "spatial_unpad_nobase"),
                   ("anyres_max_4", "spatial_maxpool2x2"), ("anyres_max_1", "spatial_unpad")],
}
# images also preprocessed untiled (image_aspect_ratio pad) and merged spatial_unpad
UNTILED = {"small80x30"}
# the release's geometry: 384-pixel tiles of a 27 x 27 patch grid, the pinpoint string as the training
# script passes it
SIZES_384 = [(1920, 1080), (1080, 1920), (640, 480), (384, 384), (500, 500), (2000, 300), (300, 2000),
             (1000, 1000), (800, 200), (37, 1000), (4000, 3000), (1, 1), (770, 385)]
PINPOINT_STRING = "(1x1),...,(6x6)"
PROMPT_BEFORE = [3, 17, 29, 41]
PROMPT_AFTER = [5, 60, 61, 62, 70, 71, 2]


def import_llava():
    src = os.environ.get("DIFFUSIONVL_SRC")
    if not src:
        sys.exit("set DIFFUSIONVL_SRC to hustvl/DiffusionVL's train/ folder")
    sys.path.insert(0, src)
    try:
        import requests  # noqa: F401
    except ImportError:
        sys.modules["requests"] = types.ModuleType("requests")
    import llava  # noqa: F401
    pkg = types.ModuleType("llava.model")
    pkg.__path__ = [os.path.join(src, "llava", "model")]
    sys.modules["llava.model"] = pkg
    stub = types.ModuleType("llava.model.multimodal_encoder.qwen_vision_tower")

    class LlavaQwenVisionTower:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("the Qwen2.5-VL tower is not part of this fixture")

    stub.LlavaQwenVisionTower = LlavaQwenVisionTower
    sys.modules[stub.__name__] = stub
    from llava import mm_utils
    from llava.model import llava_arch
    from llava.model.language_model.llava_diffusionvl_qwen import DiffusionVLQwenConfig, DiffusionVLQwenForCausalLM
    from llava.model.multimodal_encoder.siglip_encoder import (SigLipImageProcessor, SigLipVisionConfig,
                                                              SigLipVisionModel)
    if not hasattr(SigLipVisionConfig, "_set_token_in_kwargs"):
        SigLipVisionConfig._set_token_in_kwargs = classmethod(lambda cls, kwargs, token=None: None)

    class Config(DiffusionVLQwenConfig):
        @property
        def rope_scaling(self):
            return self.rope_parameters

        @rope_scaling.setter
        def rope_scaling(self, value):
            if value is not None:
                self.rope_parameters = value

    return types.SimpleNamespace(mm_utils=mm_utils, arch=llava_arch, Config=Config,
                                 Model=DiffusionVLQwenForCausalLM, Processor=SigLipImageProcessor,
                                 VisionConfig=SigLipVisionConfig, VisionModel=SigLipVisionModel)


def pinpoints(tile):
    # "(1x1),...,(6x6)" as the training script expands it: width multiplier outer, height inner
    return [[i * tile, j * tile] for i in range(1, 7) for j in range(1, 7)]


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            is_norm = "norm" in name.split(".")[-2] if "." in name else False
            if is_norm and name.endswith(".weight"):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias") or name.endswith("image_newline"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("position_embedding.weight") or name.endswith("embed_tokens.weight"):
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(fan_in))


def test_image(width, height, seed):
    """Smooth gradients plus a checkerboard and noise: resampling errors show in every channel."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    r = 255 * x / max(width - 1, 1)
    g = 255 * y / max(height - 1, 1)
    b = 127 + 127 * np.sin(x / 3.0) * np.cos(y / 5.0)
    img = np.stack([r, g, b], axis=-1)
    img += np.where(((x // 7) + (y // 5)) % 2 == 0, 40, -40)[..., None]
    img += rng.normal(0, 12, img.shape)
    return Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8), "RGB")


def restore_position_ids(model):
    # transformers 5 materialises a from_pretrained model from the meta device and leaves the custom tower's
    # non-persistent position_ids buffer (arange, as its __init__ registers it) uninitialised
    emb = model.get_vision_tower().vision_tower.vision_model.embeddings
    with torch.no_grad():
        emb.position_ids.copy_(torch.arange(emb.num_positions).expand((1, -1)))


def restore_attention_types(model):
    # transformers 4.55's Qwen2DecoderLayer carried attention_type, which DiffusionVL's forward reads; 5.x
    # dropped it (no sliding-window layers here: every layer is full attention)
    for layer in model.get_model().layers:
        if not hasattr(layer, "attention_type"):
            layer.attention_type = "full_attention"


def build(L, work):
    vcfg = L.VisionConfig(hidden_size=VISION_HIDDEN, intermediate_size=32, num_hidden_layers=3,
                          num_attention_heads=2, image_size=TILE, patch_size=PATCH, layer_norm_eps=1e-6,
                          hidden_act="gelu_pytorch_tanh")
    tower_dir = pathlib.Path(work) / "siglip2-so400m-patch14-384-tiny"
    L.VisionModel(vcfg).save_pretrained(tower_dir)
    cfg = L.Config(vocab_size=VOCAB, hidden_size=LM_HIDDEN, intermediate_size=24, num_hidden_layers=2,
                   num_attention_heads=2, num_key_value_heads=1, rms_norm_eps=1e-6, rope_theta=1000000.0,
                   max_position_embeddings=32768, tie_word_embeddings=False, mm_vision_tower=str(tower_dir),
                   mm_hidden_size=VISION_HIDDEN, mm_projector_type="mlp2x_gelu", mm_vision_select_layer=-2,
                   mm_vision_select_feature="patch", image_aspect_ratio="anyres_max_4",
                   image_grid_pinpoints=pinpoints(TILE), mm_patch_merge_type="spatial_unpad",
                   mm_newline_position="one_token", enable_bd3lm=True, bd3lm_block_size=BLOCK,
                   eos_token_id=2, attn_implementation="eager")
    model = L.Model(cfg).eval()
    tower = model.get_vision_tower()
    # SigLipVisionTower hard-codes so400m's config and a 384-pixel processor; give it the tiny tower's
    tower.config = vcfg
    tower.image_processor = L.Processor(size=(TILE, TILE), crop_size={"height": TILE, "width": TILE})
    restore_position_ids(model)
    restore_attention_types(model)
    randomise(model, 20250611)
    return model, vcfg


def release_config(vcfg):
    """config.json with the keys the release writes (LLaVA-OneVision's plus DiffusionVL's), tiny shapes."""
    return {
        "architectures": ["DiffusionVLQwenForCausalLM"], "model_type": "diffusionvl_qwen",
        "torch_dtype": "float32", "vocab_size": VOCAB, "hidden_size": LM_HIDDEN, "intermediate_size": 24,
        "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1, "rms_norm_eps": 1e-6,
        "rope_theta": 1000000.0, "rope_scaling": None, "max_position_embeddings": 32768,
        "tie_word_embeddings": False, "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2,
        "sliding_window": 131072, "use_sliding_window": False, "use_cache": True,
        "mm_vision_tower": "/path/to/siglip2-so400m-patch14-384", "mm_hidden_size": VISION_HIDDEN,
        "mm_projector_type": "mlp2x_gelu", "mm_vision_select_layer": -2, "mm_vision_select_feature": "patch",
        "mm_patch_merge_type": "spatial_unpad", "mm_newline_position": "one_token",
        "image_aspect_ratio": "anyres_max_4", "image_grid_pinpoints": pinpoints(TILE),
        "image_crop_resolution": None, "image_split_resolution": None, "mm_resampler_type": None,
        "mm_spatial_pool_mode": "bilinear", "mm_use_im_start_end": False, "mm_use_im_patch_token": False,
        "use_mm_proj": True, "tokenizer_model_max_length": 8192, "tokenizer_padding_side": "right",
        "enable_bd3lm": True, "bd3lm_block_size": BLOCK,
        # DiffusionVL fixes the mask row at 151671, which this tiny vocabulary lacks: name the tiny one
        "mask_token_id": VOCAB - 1,
        "vision_config": {"model_type": "siglip_vision_model", "hidden_size": vcfg.hidden_size,
                          "intermediate_size": vcfg.intermediate_size,
                          "num_hidden_layers": vcfg.num_hidden_layers,
                          "num_attention_heads": vcfg.num_attention_heads, "image_size": vcfg.image_size,
                          "patch_size": vcfg.patch_size, "num_channels": 3, "layer_norm_eps": vcfg.layer_norm_eps,
                          "hidden_act": vcfg.hidden_act},
    }


def image_rows(model, tiles, size, aspect, merge):
    model.config.image_aspect_ratio = aspect
    model.config.mm_patch_merge_type = merge
    ids = torch.tensor([PROMPT_BEFORE + [IMAGE_TOKEN_INDEX] + PROMPT_AFTER])
    with torch.no_grad():
        _, _, _, _, embeds, _ = model.prepare_inputs_labels_for_multimodal(
            ids, None, None, None, None, [tiles], modalities=["image"], image_sizes=[size])
    n = embeds.shape[1] - len(PROMPT_BEFORE) - len(PROMPT_AFTER)
    return embeds, embeds[0, len(PROMPT_BEFORE):len(PROMPT_BEFORE) + n]


def block_logits(model, embeds, block):
    n = embeds.shape[1]
    pos = torch.arange(n)
    allowed = (pos[None, :] // block) <= (pos[:, None] // block)
    mask = torch.where(allowed, 0.0, float("-inf"))[None, None]
    with torch.no_grad():
        hidden = model.model(inputs_embeds=embeds, attention_mask={"full_attention": mask, "sliding_attention": None},
                             position_ids=pos[None], use_cache=False).last_hidden_state
        return model.lm_head(hidden)[0]


def geometry_384(L):
    """The release's tile geometry: grid and best resolution from the pinpoint string at 384 pixels."""
    possible = [[i * 384, j * 384] for i in range(1, 7) for j in range(1, 7)]
    out = []
    for w, h in SIZES_384:
        cols, rows = L.mm_utils.get_anyres_image_grid_shape((w, h), PINPOINT_STRING, 384)
        best = L.mm_utils.select_best_resolution((w, h), possible)
        out.append({"width": w, "height": h, "gridCols": cols, "gridRows": rows, "best": list(best)})
    return out


def tokens_384(L, work, aspect):
    """Image rows of the release's geometry (384-pixel tiles, 27 x 27 patches) for SIZES_384, by running
    prepare_inputs_labels_for_multimodal on a model whose tower has that geometry (tiles are zeros: only
    the row count is kept)."""
    vcfg = L.VisionConfig(hidden_size=8, intermediate_size=8, num_hidden_layers=2, num_attention_heads=1,
                          image_size=384, patch_size=14, layer_norm_eps=1e-6, hidden_act="gelu_pytorch_tanh")
    tower_dir = pathlib.Path(work) / "siglip-384"
    L.VisionModel(vcfg).save_pretrained(tower_dir)
    cfg = L.Config(vocab_size=VOCAB, hidden_size=8, intermediate_size=8, num_hidden_layers=1,
                   num_attention_heads=1, num_key_value_heads=1, mm_vision_tower=str(tower_dir),
                   mm_hidden_size=8, mm_projector_type="mlp2x_gelu", mm_vision_select_layer=-2,
                   image_aspect_ratio="anyres_max_4", image_grid_pinpoints=PINPOINT_STRING,
                   mm_patch_merge_type="spatial_unpad", enable_bd3lm=True, bd3lm_block_size=8,
                   attn_implementation="eager")
    model = L.Model(cfg).eval()
    restore_position_ids(model)
    restore_attention_types(model)
    with torch.no_grad():
        model.get_model().image_newline.zero_()
    out = []
    for w, h in SIZES_384:
        cols, rows = L.mm_utils.get_anyres_image_grid_shape((w, h), PINPOINT_STRING, 384)
        tiles = torch.zeros(1 + rows * cols, 3, 384, 384)
        _, feats = image_rows(model, tiles, (w, h), aspect, "spatial_unpad")
        out.append(feats.shape[0])
    return out


def compact_json(meta):
    """One line per case and per size, so that diffs of a regenerated fixture stay readable."""
    lines = ["{"]
    keys = list(meta)
    for i, k in enumerate(keys):
        v = meta[k]
        end = "," if i < len(keys) - 1 else ""
        if k == "cases":
            items = ",\n  ".join(json.dumps(c, separators=(",", ":")) for c in v)
            lines.append(f' "{k}": [\n  {items}]{end}')
        elif k == "geometry384":
            head = {a: b for a, b in v.items() if a != "sizes"}
            items = ",\n  ".join(json.dumps(c, separators=(",", ":")) for c in v["sizes"])
            lines.append(f' "{k}": {json.dumps(head)[:-1]}, "sizes": [\n  {items}]}}{end}')
        else:
            lines.append(f' "{k}": {json.dumps(v)}{end}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def generate(out_dir):
    out = pathlib.Path(out_dir)
    L = import_llava()
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as work:
        model, vcfg = build(L, work)
        processor = model.get_vision_tower().image_processor
        (out / "model").mkdir(parents=True, exist_ok=True)
        (out / "images").mkdir(parents=True, exist_ok=True)
        (out / "model" / "config.json").write_text(json.dumps(release_config(vcfg), indent=1) + "\n")
        state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
        save_file(state, str(out / "model" / "model.safetensors"), metadata={"format": "pt"})

        pixels, features, logits, cases = {}, {}, {}, []
        for seed, (name, (w, h)) in enumerate(IMAGES.items()):
            img = test_image(w, h, seed)
            img.save(out / "images" / f"{name}.png")
            img = Image.open(out / "images" / f"{name}.png").convert("RGB")
            tiles = L.mm_utils.process_anyres_image(img, processor, model.config.image_grid_pinpoints)
            cols, rows = L.mm_utils.get_anyres_image_grid_shape(img.size, model.config.image_grid_pinpoints, TILE)
            best = L.mm_utils.select_best_resolution(img.size, model.config.image_grid_pinpoints)
            assert tiles.shape[0] == 1 + rows * cols
            pixels[name] = tiles.contiguous()
            embeds, feats = image_rows(model, tiles, img.size, "anyres_max_4", "spatial_unpad")
            features[name] = feats.contiguous()
            case = {"name": name, "width": w, "height": h, "gridRows": rows, "gridCols": cols, "best": list(best),
                    "tokens": feats.shape[0], "promptBefore": PROMPT_BEFORE, "promptAfter": PROMPT_AFTER,
                    "variants": []}
            for block in (BLOCK, 1):
                lg = block_logits(model, embeds, block)
                logits[f"{name}/b{block}"] = lg[-8:].contiguous()
                case[f"argmax_b{block}"] = lg.argmax(-1).tolist()
            if name in UNTILED:
                # an untiled image (pad: expand2square with the mean colour) merged spatial_unpad: the
                # tile's rows and one newline row
                padded = L.mm_utils.process_images([img], processor, types.SimpleNamespace(image_aspect_ratio="pad"))
                pixels[f"{name}/pad"] = padded[0].contiguous()
                _, vf = image_rows(model, padded, img.size, "pad", "spatial_unpad")
                features[f"{name}/pad/spatial_unpad"] = vf.contiguous()
                case["untiled"] = {"imageAspectRatio": "pad", "mergeType": "spatial_unpad", "pixels": f"{name}/pad",
                                   "key": f"{name}/pad/spatial_unpad", "tokens": vf.shape[0]}
            for aspect, merge in VARIANTS.get(name, []):
                _, vf = image_rows(model, tiles, img.size, aspect, merge)
                key = f"{name}/{aspect}/{merge}"
                features[key] = vf.contiguous()
                case["variants"].append({"imageAspectRatio": aspect, "mergeType": merge, "key": key,
                                         "tokens": vf.shape[0]})
            cases.append(case)
        save_file(pixels, str(out / "pixels.safetensors"))
        save_file(features, str(out / "features.safetensors"))
        save_file(logits, str(out / "logits.safetensors"))
        geo = geometry_384(L)
        for g, n, m in zip(geo, tokens_384(L, work, "anyres_max_4"), tokens_384(L, work, "anyres")):
            g["tokens"] = n
            g["tokensAnyres"] = m
    meta = {"tile": TILE, "patch": PATCH, "unit": UNIT, "block": BLOCK, "imageTokenIndex": IMAGE_TOKEN_INDEX,
            "cases": cases, "geometry384": {"pinpoints": PINPOINT_STRING, "imageAspectRatio": "anyres_max_4",
                                            "mergeType": "spatial_unpad", "sizes": geo}}
    (out / "cases.json").write_text(compact_json(meta))
    for c in cases:
        print(f"  {c['name']}: grid {c['gridRows']}x{c['gridCols']} best {c['best']} tokens {c['tokens']}")
    for g in geo:
        print(f"  384 {g['width']}x{g['height']}: grid {g['gridRows']}x{g['gridCols']} tokens {g['tokens']}"
              f" (anyres {g['tokensAnyres']})")
