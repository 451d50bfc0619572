"""Block-diffusion decoding against DiffusionVL's released ``generate_with_bd3lm``.

Builds a tiny random DiffusionVLQwenForCausalLM (llava-qwen2: SigLIP tower, 2-layer GELU projector, Qwen2
LM with DiffusionVL's bidirectional-in-block attention) with the release's own code (DIFFUSIONVL_SRC, the
repository's train/ folder), and records the release's greedy decoding of one image with three prompts for
every combination of
  remasking   low_confidence_static, low_confidence_dynamic (the release's default threshold 0.85)
  block size  B in 4, 8, 16 (the config's bd3lm_block_size)
  steps       S in B, B/2, B/4, 1
  prompt      752 positions (a multiple of every B), 758 and 765 (not: the first generated block starts
              with 2..13 leftover prompt tokens and so holds fewer than B masks)
Writes:
  model/            config.json (the release's keys, plus mask_token_id and vision_config for the tiny
                    tower), model.safetensors in the release's tensor names, tokenizer.json and
                    tokenizer_config.json (word level, Qwen chat specials), preprocessor_config.json
  inputs.safetensors  "pixels": the preprocessed image [3, 54, 54] every case decodes
  cases.json        per prompt its ids (-200 where the image is spliced, as LLaVA's tokenizer_image_token
                    writes it); per case the release's output tokens (cut before the first EOS, the way
                    dvlcap answers), whether it stopped at an EOS, its blocks and forwards, and the
                    smallest decision margins met on the way (how far the parity is from a near tie)

The release hard-codes two Qwen token ids in generate_with_bd3lm: the mask row 151671 and <|im_end|>
151645. This tiny vocabulary (96 ids) has neither, so those two literals, and nothing else, are replaced by
the tiny tokenizer's <|mask|> and <|im_end|> ids before the function is compiled from the release's source
(each literal is checked to occur exactly once). The tower keeps SigLIP-so400m's 27 x 27 patch grid
(image_size 54, patch 2) because the release asserts 729 patches per image.

Version shims, none of which touches the algorithm: the release targets transformers 4.55. Under 5.x
`Cache[layer]` (which DiffusionVL's attention reads to attend over the cache without writing to it) is
gone, so it is restored as 4.55 defined it; `config.rope_scaling = None` would erase the RoPE parameters;
Qwen2DecoderLayer lost `attention_type`; SigLipVisionConfig.from_pretrained calls a helper 5.x removed;
from_pretrained leaves the tower's position_ids buffer uninitialised. llava/model/__init__ imports every
variant, including a Qwen2.5-VL tower that imports names transformers 5 renamed: the package is entered
without its __init__ and that tower is a stub. llava.utils imports `requests`, unused here.
"""
import inspect
import json
import math
import os
import pathlib
import sys
import tempfile
import textwrap
import types

import torch
from safetensors.torch import save_file

TILE, PATCH = 54, 2  # 27 x 27 = 729 patches, as the release asserts
VISION = dict(hidden_size=16, intermediate_size=32, num_hidden_layers=3, num_attention_heads=2)
LM = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2)
IMAGE_TOKEN_INDEX = -200
THRESHOLD = 0.85
GEN_LENGTH = 30  # not a multiple of any B: the last block is cut, as max_new_tokens cuts it in dvlcap
BLOCKS = (4, 8, 16)
STRATEGIES = ("low_confidence_static", "low_confidence_dynamic")
PROMPT_LENGTHS = (752, 758, 765)
SEED = 20251201

WORDS = ["<unk>", ".", ",", "system", "user", "assistant", "you", "are", "a", "helpful", "describe", "this",
         "image", "in", "detail", "the", "an", "of", "on", "with", "and", "is", "there", "shows", "photo", "dog",
         "cat", "red", "green", "blue", "white", "black", "yellow", "square", "circle", "stripe", "background",
         "small", "large", "left", "right", "top", "bottom", "center", "two", "one", "three", "near", "far",
         "above", "below", "beside", "tree", "house", "car", "road", "sky", "cloud", "grass", "water", "boat",
         "bird", "man", "woman", "child", "ball", "table", "chair", "window", "door", "light", "dark", "bright",
         "old", "new", "wooden", "metal", "round", "tall", "short", "long", "busy", "empty", "street", "field",
         "hill", "river", "wall", "floor", "lamp", "book"]
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>", "<|mask|>"]
VOCAB = len(WORDS) + len(SPECIALS)
IM_START, IM_END, MASK = (len(WORDS) + SPECIALS.index(s) for s in ("<|im_start|>", "<|im_end|>", "<|mask|>"))
SYSTEM = "You are a helpful assistant."
CHAT_TEMPLATE = ("{%- for message in messages -%}"
                 "{%- if loop.first and message['role'] != 'system' -%}"
                 "{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' -}}{%- endif -%}"
                 "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}"
                 "{%- endfor -%}{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}")


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
    from llava.model.language_model import llava_diffusionvl_qwen as release
    from llava.model.multimodal_encoder.siglip_encoder import SigLipVisionConfig, SigLipVisionModel
    if not hasattr(SigLipVisionConfig, "_set_token_in_kwargs"):
        SigLipVisionConfig._set_token_in_kwargs = classmethod(lambda cls, kwargs, token=None: None)
    from transformers.cache_utils import Cache
    if not hasattr(Cache, "__getitem__"):
        # transformers 4.55: cache[layer_idx] is that layer's (keys, values)
        def layer_tensors(self, layer_idx):
            if layer_idx >= len(self.layers):
                raise KeyError(f"Cache only has {len(self.layers)} layers, attempted to access layer {layer_idx}")
            return self.layers[layer_idx].keys, self.layers[layer_idx].values

        Cache.__getitem__ = layer_tensors

    class Config(release.DiffusionVLQwenConfig):
        @property
        def rope_scaling(self):
            return self.rope_parameters

        @rope_scaling.setter
        def rope_scaling(self, value):
            if value is not None:
                self.rope_parameters = value

    return types.SimpleNamespace(release=release, Config=Config, VisionConfig=SigLipVisionConfig,
                                 VisionModel=SigLipVisionModel)


def released_generate(L):
    """generate_with_bd3lm compiled from the release's source with its two Qwen ids replaced by ours."""
    fn = L.release.DiffusionVLQwenForCausalLM.generate_with_bd3lm
    src = textwrap.dedent(inspect.getsource(fn))
    for literal, ours in (("151671", MASK), ("151645", IM_END)):
        if src.count(literal) != 1:
            sys.exit(f"generate_with_bd3lm holds {literal} {src.count(literal)} times, expected once: "
                     "the release changed, review this fixture")
        src = src.replace(literal, str(ours))
    namespace = {}
    exec(compile(src, inspect.getsourcefile(fn), "exec"), vars(L.release), namespace)
    return namespace["generate_with_bd3lm"]


def randomise(model, seed):
    """Seeded weights. The LM's layers are scaled up (by LAYER_SCALE) so that attention, not the shared mask
    embedding, decides what a masked position predicts: at the usual 1/sqrt(fan_in) a tiny model answers one
    token everywhere, which would make the oracle meaningless. The lm_head is peaked enough that some
    confidences pass the dynamic threshold and some do not."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if name.endswith("norm.weight") or ("layer_norm" in name and name.endswith("weight")):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif name.endswith("position_embedding.weight"):
                p.copy_(torch.randn(p.shape, generator=g))
            elif name.endswith("embed_tokens.weight"):
                p.copy_(EMBED_STD * torch.randn(p.shape, generator=g))
            elif name == "lm_head.weight":
                p.copy_(LM_HEAD_SCALE * torch.randn(p.shape, generator=g) / math.sqrt(p.shape[1]))
                # <|im_end|> takes the row of a word this model answers late in some cases only, so that
                # some answers end before GEN_LENGTH and others do not
                p[[IM_END, EOS_ROW]] = p[[EOS_ROW, IM_END]].clone()
            else:
                scale = LAYER_SCALE if name.startswith("model.layers.") else 1.0
                p.copy_(scale * torch.randn(p.shape, generator=g) / math.sqrt(p[0].numel()))


EMBED_STD, LAYER_SCALE, LM_HEAD_SCALE, EOS_ROW = 1.0, 4.0, 6.0, 14


def build(L, work):
    vcfg = L.VisionConfig(image_size=TILE, patch_size=PATCH, layer_norm_eps=1e-6, hidden_act="gelu_pytorch_tanh",
                          **VISION)
    tower_dir = pathlib.Path(work) / "siglip-so400m-patch14-384-tiny"
    L.VisionModel(vcfg).save_pretrained(tower_dir)
    cfg = L.Config(vocab_size=VOCAB, rms_norm_eps=1e-6, rope_theta=1000000.0, max_position_embeddings=4096,
                   tie_word_embeddings=False, mm_vision_tower=str(tower_dir), mm_hidden_size=VISION["hidden_size"],
                   mm_projector_type="mlp2x_gelu", mm_vision_select_layer=-2, mm_vision_select_feature="patch",
                   image_aspect_ratio="square", mm_patch_merge_type="flat", enable_bd3lm=True,
                   bd3lm_block_size=8, eos_token_id=IM_END, attn_implementation="eager", **LM)
    model = L.release.DiffusionVLQwenForCausalLM(cfg).eval()
    emb = model.get_vision_tower().vision_tower.vision_model.embeddings
    with torch.no_grad():
        emb.position_ids.copy_(torch.arange(emb.num_positions).expand((1, -1)))
    for layer in model.get_model().layers:
        if not hasattr(layer, "attention_type"):
            layer.attention_type = "full_attention"
    randomise(model, SEED)
    model.generate_with_bd3lm = types.MethodType(released_generate(L), model)
    return model, vcfg


def release_config(vcfg):
    """config.json with the keys the release writes, tiny shapes; plus what the release hard-codes."""
    return {
        "architectures": ["DiffusionVLQwenForCausalLM"], "model_type": "diffusionvl_qwen",
        "torch_dtype": "float32", "vocab_size": VOCAB, **LM, "rms_norm_eps": 1e-6,
        "rope_theta": 1000000.0, "rope_scaling": None, "max_position_embeddings": 4096,
        "tie_word_embeddings": False, "hidden_act": "silu", "bos_token_id": None, "eos_token_id": IM_END,
        "sliding_window": None, "use_sliding_window": False, "use_cache": True,
        "mm_vision_tower": "google/siglip-so400m-patch14-384", "mm_hidden_size": VISION["hidden_size"],
        "mm_projector_type": "mlp2x_gelu", "mm_vision_select_layer": -2, "mm_vision_select_feature": "patch",
        "mm_patch_merge_type": "flat", "image_aspect_ratio": "square", "mm_use_im_start_end": False,
        "mm_use_im_patch_token": False, "use_mm_proj": True, "tokenizer_model_max_length": 4096,
        "tokenizer_padding_side": "right", "enable_bd3lm": True, "bd3lm_block_size": 8,
        # not in the release, which hard-codes its mask row (151671, outside this vocabulary) and names a
        # real tower
        "mask_token_id": MASK,
        "vision_config": {"model_type": "siglip_vision_model", **VISION, "image_size": vcfg.image_size,
                          "patch_size": vcfg.patch_size, "num_channels": 3, "layer_norm_eps": vcfg.layer_norm_eps,
                          "hidden_act": vcfg.hidden_act},
    }


def write_tokenizer(out):
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers
    vocab = {w: i for i, w in enumerate(WORDS + SPECIALS)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                                 pre_tokenizers.Punctuation("isolated")])
    tok.decoder = decoders.WordPiece(prefix="##", cleanup=True)
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in SPECIALS])
    tok.save(str(out / "tokenizer.json"))
    specials = {str(vocab[s]): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                                "single_word": False, "special": True} for s in SPECIALS}
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "add_bos_token": False, "add_eos_token": False,
        "bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "unk_token": "<unk>",
        "model_max_length": 4096, "added_tokens_decoder": specials, "chat_template": CHAT_TEMPLATE}, indent=1) + "\n")
    (out / "preprocessor_config.json").write_text(json.dumps({
        "image_processor_type": "SiglipImageProcessor", "do_resize": True, "size": {"height": TILE, "width": TILE},
        "resample": 3, "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "do_convert_rgb": True}, indent=1) + "\n")
    return tok


def prompt_ids(tok, length, g):
    """The Qwen chat prompt of an instruction of random words, image spliced as tokenizer_image_token does."""
    fixed = len(tok.encode(f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n").ids) \
        + len(tok.encode("<|im_end|>\n<|im_start|>assistant\n").ids)
    words = WORDS[10:]
    n = length - 729 - fixed
    instruction = " ".join(words[int(i)] for i in torch.randint(len(words), (n,), generator=g))
    text = (f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n<image>\n{instruction}<|im_end|>\n"
            "<|im_start|>assistant\n")
    before, after = text.split("<image>")
    ids = tok.encode(before).ids + [IMAGE_TOKEN_INDEX] + tok.encode(after).ids
    assert len(ids) - 1 + 729 == length, (len(ids), length)
    return ids


class Probe:
    """Counts the release's forwards and records how close its decisions at masked positions came to a tie."""

    def __init__(self, model):
        self.reset()
        inner, sample = model.model.forward, model._sample_with_temperature_topk_topp
        mask_embed = model.get_input_embeddings().weight[MASK]
        seen = {}

        def forward(*args, **kwargs):
            self.forwards += 1
            # the release's own test for a masked position (generate_with_bd3lm's is_mask)
            seen["masked"] = torch.all(torch.abs(kwargs["inputs_embeds"][0] - mask_embed) < 1e-5, dim=-1)
            return inner(*args, **kwargs)

        def sampled(logits, *args, **kwargs):
            x0, x0_p = sample(logits, *args, **kwargs)
            masked = seen["masked"]
            # the release would keep such a position masked (it compares embeddings), dvlcap commits it
            self.mask_predicted |= bool((x0[0][masked] == MASK).any())
            self.steps.append((logits[0][masked].detach().clone(), x0_p[0][masked].detach().clone()))
            return x0, x0_p

        model.model.forward = forward
        model._sample_with_temperature_topk_topp = sampled

    def reset(self):
        self.forwards, self.steps, self.mask_predicted = 0, [], False

    def margins(self):
        """Over every step's masked positions: the smallest top-1/top-2 logit gap, the smallest gap between
        two confidences (an upper bound on the top-k boundary's), and the smallest distance of a confidence
        to the threshold."""
        logit_gap = conf_gap = to_threshold = math.inf
        for logits, conf in self.steps:
            top = logits.topk(2, dim=-1).values
            logit_gap = min(logit_gap, (top[:, 0] - top[:, 1]).min().item())
            c = conf.sort().values
            if c.numel() > 1:
                conf_gap = min(conf_gap, (c[1:] - c[:-1]).min().item())
            to_threshold = min(to_threshold, (conf - THRESHOLD).abs().min().item())
        return {"logitGap": logit_gap, "confidenceGap": conf_gap, "toThreshold": to_threshold}


def generate(out_dir):
    out = pathlib.Path(out_dir)
    L = import_llava()
    torch.manual_seed(0)
    model_dir = out / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        model, vcfg = build(L, work)
    (model_dir / "config.json").write_text(json.dumps(release_config(vcfg), indent=1) + "\n")
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(model_dir / "model.safetensors"), metadata={"format": "pt"})
    tok = write_tokenizer(model_dir)

    g = torch.Generator().manual_seed(SEED + 1)
    pixels = (torch.rand((3, TILE, TILE), generator=g) * 2 - 1).contiguous()
    save_file({"pixels": pixels}, str(out / "inputs.safetensors"))
    prompts = {str(n): prompt_ids(tok, n, g) for n in PROMPT_LENGTHS}

    probe = Probe(model)
    cases = []
    for strategy in STRATEGIES:
        for block in BLOCKS:
            model.get_model().bd3lm_block_size = block
            for steps in sorted({block, block // 2, block // 4, 1}, reverse=True):
                for length, ids in prompts.items():
                    probe.reset()
                    with torch.no_grad():
                        raw = model.generate(inputs=torch.tensor([ids]), images=[pixels], image_sizes=[(TILE, TILE)],
                                             modalities=["image"], steps=steps, gen_length=GEN_LENGTH,
                                             temperature=0.0, remasking_strategy=strategy,
                                             confidence_threshold=THRESHOLD)[0].tolist()
                    eos = raw.index(IM_END) if IM_END in raw else None
                    answer = raw[:eos] if eos is not None else raw
                    assert not probe.mask_predicted, "the model chose the mask id: a case outside the parity"
                    # the release's forwards: the prefill (when the prompt holds a whole block), then per
                    # block its denoising steps and one clean pass that writes the cache
                    blocks = probe.forwards - len(probe.steps) - (1 if int(length) >= block else 0)
                    cases.append({"remasking": strategy.removeprefix("low_confidence_"), "blockSize": block,
                                  "steps": steps, "prompt": length, "tokens": answer, "eos": eos is not None,
                                  "releaseForwards": probe.forwards, "releaseDenoisingSteps": len(probe.steps),
                                  "releaseBlocks": blocks,
                                  **probe.margins()})
    meta = {"generator": "parity/fx_bd3lm.py", "release": "hustvl/DiffusionVL generate_with_bd3lm",
            "threshold": THRESHOLD, "genLength": GEN_LENGTH, "maskTokenId": MASK, "eosTokenId": IM_END,
            "imageTokenIndex": IMAGE_TOKEN_INDEX, "imageTokens": (TILE // PATCH) ** 2,
            "prompts": prompts, "cases": cases}
    (out / "cases.json").write_text(json.dumps(meta, indent=1) + "\n")
    for c in cases:
        print(f"  {c['remasking']:7} B={c['blockSize']:2} S={c['steps']:2} prompt {c['prompt']}: "
              f"{len(c['tokens']):2} tokens{' +EOS' if c['eos'] else '     '} {len(set(c['tokens'])):2} distinct, "
              f"{c['releaseDenoisingSteps']:2} steps, margins logit {c['logitGap']:.1e} "
              f"conf {c['confidenceGap']:.1e} tau {c['toThreshold']:.1e}")
