"""qwen2.5-vl parity: a tiny random Qwen2_5_VLForConditionalGeneration of the real architecture.

Writes into parity/qwen25vl/:
  hf/            the model as transformers saves it (config.json, model.safetensors; the legacy
                 tensor names ``model.layers.*`` / ``visual.*`` that the hub checkpoints carry)
  diffusionvl/   the same weights in DiffusionVL-Qwen2.5VL's layout: tensors renamed as its training
                 model stores them (``model.vision_tower.vision_tower.*``, ``model.mm_projector.merger.*``)
                 and config.json shaped as DiffusionVLQwenVLConfig writes it (model_type
                 diffusionvl_qwenvl, vision_config + text_config + the text keys flattened, LLaVA keys)
  reference.safetensors (all float32, ids and positions too: Java's reader takes float tensors)
    features.a / features.b     merger output of two images (grids 8x12 and 10x6 patches; 10x6 has
                                partial windows), from the model's own visual forward
    ar.ids / ar.positions / ar.logits
                                a multimodal prompt with <|vision_start|> <|image_pad|>* <|vision_end|>
                                (image a), its M-RoPE position ids (transformers' get_rope_index) and
                                the logits of transformers' forward (causal)
    dvl.ids / dvl.logits        the DiffusionVL prompt (image a spliced with no vision start/end
                                tokens; image rows are -1 in dvl.ids), logits with plain 1-D
                                positions and a block-causal mask of block 4
  meta.json       sizes and ids the Java tests need

The pixel values are not stored: both sides compute them from the same integer hash (pixels()).

DiffusionVL's own Qwen2.5-VL code (train/llava/model/language_model/llava_diffusionvl_qwenvl.py and
multimodal_encoder/qwen_vision_tower.py) imports helpers that transformers 5 no longer has
(apply_multimodal_rotary_pos_emb, rot_pos_emb, get_window_index), and the package index here has no
transformers 4.x with a compatible huggingface_hub. Its forward is transformers' Qwen2.5-VL text model
fed position_ids = arange expanded to 3 rows and the block-diffusion mask, and its vision path is
transformers' tower followed by the merger and the reverse window permutation; so the DiffusionVL
logits are computed with transformers' modules given exactly those inputs (see dvl_logits()).
"""
import json
import pathlib

import torch
from safetensors.torch import save_file

PATCH_DIM = 3 * 2 * 14 * 14
GRID_A = (8, 12)   # 4x6 merged units: 2x3 windows of 2x2 units
GRID_B = (10, 6)   # 5x3 merged units: 3x2 windows, the last row and column partial
BLOCK = 4          # block of the DiffusionVL block-causal mask
IMAGE_PAD, VIDEO_PAD, VISION_START, VISION_END, BOS, EOS = 290, 291, 288, 289, 286, 287


def pixels(rows, offset=0):
    """pixel_values [rows, 1176] from an integer hash: exact in float32 in Python and Java."""
    i = torch.arange(rows * PATCH_DIM, dtype=torch.int64) + offset
    h = (i * 2654435761) % (1 << 32)
    return ((h >> 16).to(torch.float32) / 32768.0 - 1.0).reshape(rows, PATCH_DIM)


def config():
    from transformers import Qwen2_5_VLConfig
    return Qwen2_5_VLConfig(
        vision_config=dict(depth=4, hidden_size=32, intermediate_size=64, num_heads=2, in_channels=3, patch_size=14,
                           spatial_merge_size=2, temporal_patch_size=2, window_size=56, out_hidden_size=64,
                           fullatt_block_indexes=[2], hidden_act="silu"),
        text_config=dict(vocab_size=300, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6,
                         max_position_embeddings=4096, rope_scaling={"type": "mrope", "mrope_section": [2, 3, 3]},
                         rope_theta=1e6, bos_token_id=BOS, eos_token_id=EOS),
        image_token_id=IMAGE_PAD, video_token_id=VIDEO_PAD, vision_start_token_id=VISION_START,
        vision_end_token_id=VISION_END, tie_word_embeddings=True)


def randomize(model):
    """transformers' init (std 0.02, zero biases, unit norms) hides most bugs; use weights of unit scale."""
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)
            elif "norm" in name or "ln_q" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
        model.model.language_model.embed_tokens.weight.mul_(1.0)


def diffusionvl_config(hf_dir):
    """config.json as DiffusionVLQwenVLConfig.to_dict() writes it after DiffusionVL's training."""
    hf = json.loads((hf_dir / "config.json").read_text())
    text = dict(hf["text_config"])
    # transformers 4.5x (DiffusionVL's) writes rope_scaling + rope_theta, not rope_parameters
    rope = text.pop("rope_parameters")
    text["rope_theta"] = rope["rope_theta"]
    text["rope_scaling"] = {"mrope_section": rope["mrope_section"], "rope_type": "default", "type": "default"}
    vision = dict(hf["vision_config"])
    vision.pop("rope_parameters", None)
    cfg = {
        "architectures": ["DiffusionVLQwenVLForCausalLM"],
        "model_type": "diffusionvl_qwenvl",
        "torch_dtype": "float32",
        "image_token_id": hf["image_token_id"],
        "video_token_id": hf["video_token_id"],
        "enable_bd3lm": True,
        "bd3lm_block_size": BLOCK,
        "bd3lm_antithetic_sampling": True,
        "bd3lm_sampling_eps_min": 1e-3,
        "bd3lm_sampling_eps_max": 1.0,
        "vision_config": vision,
        "text_config": text,
        "tie_word_embeddings": True,
        "mm_vision_tower": "/path/to/Qwen2.5-VL-3B-Instruct-Reformat",
        "mm_projector_type": "qwen_merger",
        "mm_hidden_size": vision["hidden_size"],
        "mm_vision_select_layer": -2,
        "mm_vision_select_feature": "patch",
        "mm_patch_merge_type": "flat",
        "mm_use_im_start_end": False,
        "mm_use_im_patch_token": False,
        "image_aspect_ratio": "pad",
        "use_mm_proj": True,
        "tokenizer_model_max_length": 8192,
        "tokenizer_padding_side": "right",
        # dvlcap's key: the release's own mask row 151671 lies outside this tiny vocabulary
        "mask_token_id": 299,
    }
    for k, v in text.items():  # DiffusionVLQwenVLConfig copies every text key to the top level
        cfg.setdefault(k, v)
    return cfg


def diffusionvl_name(name):
    if name.startswith("visual.merger."):
        return "model.mm_projector.merger." + name[len("visual.merger."):]
    if name.startswith("visual."):
        return "model.vision_tower.vision_tower." + name[len("visual."):]
    return name


def block_causal(length, block):
    idx = torch.arange(length) // block
    allowed = idx[None, :] <= idx[:, None]
    mask = torch.zeros(length, length)
    mask[~allowed] = float("-inf")
    return mask[None, None]


def dvl_logits(model, ids, image_features):
    """DiffusionVL's forward: embeddings with the image spliced at the -1 rows, positions arange(L) on
    all three M-RoPE rows, the block-causal mask; then lm_head."""
    lm = model.model.language_model
    rows = []
    img = iter(image_features)
    for t in ids:
        rows.append(next(img) if t < 0 else lm.embed_tokens.weight[t])
    embeds = torch.stack(rows)[None]
    length = len(ids)
    positions = torch.arange(length).view(1, 1, -1).expand(3, 1, -1)
    mask = block_causal(length, BLOCK)
    out = lm(inputs_embeds=embeds, position_ids=positions, attention_mask={"full_attention": mask})
    return model.lm_head(out.last_hidden_state)[0]


def generate(out_dir: pathlib.Path):
    from transformers import Qwen2_5_VLForConditionalGeneration
    from safetensors import safe_open

    torch.manual_seed(0)
    cfg = config()
    cfg._attn_implementation = "eager"
    model = Qwen2_5_VLForConditionalGeneration(cfg).eval()
    randomize(model)

    hf_dir = out_dir / "hf"
    model.save_pretrained(hf_dir)
    for extra in ("generation_config.json",):
        (hf_dir / extra).unlink(missing_ok=True)

    dvl_dir = out_dir / "diffusionvl"
    dvl_dir.mkdir(parents=True, exist_ok=True)
    with safe_open(str(hf_dir / "model.safetensors"), "pt") as f:
        tensors = {diffusionvl_name(k): f.get_tensor(k).contiguous() for k in f.keys()}
    save_file(tensors, str(dvl_dir / "model.safetensors"), metadata={"format": "pt"})
    (dvl_dir / "config.json").write_text(json.dumps(diffusionvl_config(hf_dir), indent=2) + "\n")

    ref = {}
    with torch.no_grad():
        pa, pb = pixels(GRID_A[0] * GRID_A[1]), pixels(GRID_B[0] * GRID_B[1], offset=1)
        grids = torch.tensor([[1, *GRID_A], [1, *GRID_B]])
        feats = model.model.get_image_features(torch.cat([pa, pb]), grids, return_dict=True).pooler_output
        ref["features.a"], ref["features.b"] = feats[0], feats[1]
        n_a = feats[0].shape[0]

        # HF Qwen2.5-VL prompt: <|vision_start|> <|image_pad|>*n <|vision_end|> around the image, then
        # text; a few answer tokens after the prompt continue at max position + 1.
        head, tail, answer = [BOS, 11, 12], [13, 14, 15, 16, 17], [42, 43, 44]
        ar_ids = head + [VISION_START] + [IMAGE_PAD] * n_a + [VISION_END] + tail + answer
        input_ids = torch.tensor([ar_ids])
        mm_types = (input_ids == IMAGE_PAD).to(torch.int32)
        positions, _ = model.model.get_rope_index(input_ids, mm_types, image_grid_thw=grids[:1])
        out = model(input_ids=input_ids, pixel_values=pa, image_grid_thw=grids[:1], mm_token_type_ids=mm_types)
        ref["ar.ids"] = torch.tensor(ar_ids, dtype=torch.float32)
        ref["ar.positions"] = positions[:, 0, :].to(torch.float32).contiguous()
        ref["ar.logits"] = out.logits[0]

        # DiffusionVL prompt: text, the image rows in place of <image>, text; length 6 + 24 + 9 = 39,
        # not a multiple of the block.
        dvl_ids = [BOS, 21, 22, 23, 24, 25] + [-1] * n_a + [26, 27, 28, 29, 30, 31, 32, 33, 34]
        ref["dvl.ids"] = torch.tensor(dvl_ids, dtype=torch.float32)
        ref["dvl.logits"] = dvl_logits(model, dvl_ids, feats[0])

    save_file({k: v.contiguous() for k, v in ref.items()}, str(out_dir / "reference.safetensors"))
    meta = {
        "grid_a": list(GRID_A), "grid_b": list(GRID_B), "block": BLOCK,
        "image_pad": IMAGE_PAD, "vision_start": VISION_START, "vision_end": VISION_END,
        "prompt_length_ar": len(ar_ids) - len(answer),
        "pixels": "v[i] = ((i * 2654435761 mod 2^32) >> 16) / 32768 - 1, i over rows*1176 (+1 for image b)",
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    for k, v in ref.items():
        print(f"  {k}: {tuple(v.shape)} max|x| {v.abs().max().item():.4g}")
