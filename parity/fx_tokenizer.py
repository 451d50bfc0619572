"""Tokenizer and prompt parity: a small Qwen2-style byte-level BPE tokenizer and the prompts of each release.

Builds with the ``tokenizers`` library a tokenizer laid out like Qwen2's ``tokenizer.json`` (NFC normalizer,
Qwen2's split regex then ByteLevel without its own regex, byte-level BPE learned here on a few KB of text,
ids 0..255 the byte symbols then the merges in rank order, the special tokens after the BPE vocabulary in
Qwen2.5's order), plus one ``tokenizer_config.json`` per chat template a release ships:

- ``qwen2_5_vl/``: Qwen2.5-VL-Instruct's template (image and video content parts become
  ``<|vision_start|><|image_pad|><|vision_end|>``), the template of Qwen2.5-VL-3B/7B-Instruct, Fast-dVLM-3B
  and the DiffusionVL-Qwen2.5VL releases;
- ``qwen2_5/``: Qwen2.5-Instruct's text template (tools block; default system "You are Qwen, ..."), the
  template of the Qwen2.5-7B-Instruct LM under DiffusionVL-Qwen2.5-7B.

The references, written to ``tokenizer/fixtures.json``:

- ``encodings``: ids of awkward strings by transformers (``PreTrainedTokenizerFast`` on the file, checked
  here to equal ``AutoTokenizer``, i.e. transformers' own Qwen2Tokenizer), and their decodes with and
  without special tokens;
- ``prompts``: the caption prompt of each release as its own code builds it:
  * HF processor path (Qwen2.5-VL-Instruct, Fast-dVLM ``run_chatbot.py``): ``apply_chat_template`` with
    content ``[{"type": "image"}, {"type": "text", ...}]``, then the processor, which expands the single
    ``<|image_pad|>`` to one token per merged patch;
  * DiffusionVL (both releases, its lmms-eval models): ``conv_templates["qwen_2_5"]`` with the user
    message ``"<image>\\n" + prompt``, then ``tokenizer_image_token``, which tokenizes the text on either
    side of ``<image>`` and puts IMAGE_TOKEN_INDEX (-200) between them (``<image>`` is not a token).
    Imported from ``$DIFFUSIONVL_SRC`` (its ``train/`` folder); when that is not importable the two
    functions are re-implemented here from the release's code and ``diffusionvl_source`` says so.
"""
import importlib.util
import json
import os
import pathlib
import shutil
import sys
import tempfile
import types

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers import trainers

# Qwen2's pre-tokenizer split (transformers' Qwen2Tokenizer.PRETOKENIZE_REGEX; the released tokenizer.json has it)
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
               r"|\s*[\r\n]+|\s+(?!\S)|\s+")

# Qwen2.5's added tokens in id order (151643.. after the 151643 BPE entries); (content, special)
QWEN25_ADDED = [
    ("<|endoftext|>", True), ("<|im_start|>", True), ("<|im_end|>", True),
    ("<|object_ref_start|>", True), ("<|object_ref_end|>", True), ("<|box_start|>", True), ("<|box_end|>", True),
    ("<|quad_start|>", True), ("<|quad_end|>", True), ("<|vision_start|>", True), ("<|vision_end|>", True),
    ("<|vision_pad|>", True), ("<|image_pad|>", True), ("<|video_pad|>", True),
    ("<tool_call>", False), ("</tool_call>", False),
    ("<|fim_prefix|>", False), ("<|fim_middle|>", False), ("<|fim_suffix|>", False), ("<|fim_pad|>", False),
    ("<|repo_name|>", False), ("<|file_sep|>", False),
]
ADDITIONAL_SPECIAL = ["<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>", "<|box_start|>",
                      "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>", "<|vision_end|>",
                      "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"]

# Qwen2.5-VL-Instruct's chat template (the releases' chat_template.json / tokenizer_config.json)
QWEN25_VL_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\n"
    "You are a helpful assistant.<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}"
    "{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}{% set video_count.value = video_count.value + 1 %}"
    "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")

# Qwen2.5-Instruct's chat template (text only, with the tools block)
QWEN25_TEXT_TEMPLATE = (
    "{%- if tools %}\n"
    "    {{- '<|im_start|>system\\n' }}\n"
    "    {%- if messages[0]['role'] == 'system' %}\n"
    "        {{- messages[0]['content'] }}\n"
    "    {%- else %}\n"
    "        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}\n"
    "    {%- endif %}\n"
    "    {{- \"\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n"
    "You are provided with function signatures within <tools></tools> XML tags:\\n<tools>\" }}\n"
    "    {%- for tool in tools %}\n"
    "        {{- \"\\n\" }}\n"
    "        {{- tool | tojson }}\n"
    "    {%- endfor %}\n"
    "    {{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments "
    "within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": <function-name>, \\\"arguments\\\": "
    "<args-json-object>}\\n</tool_call><|im_end|>\\n\" }}\n"
    "{%- else %}\n"
    "    {%- if messages[0]['role'] == 'system' %}\n"
    "        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n"
    "    {%- else %}\n"
    "        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant."
    "<|im_end|>\\n' }}\n"
    "    {%- endif %}\n"
    "{%- endif %}\n"
    "{%- for message in messages %}\n"
    "    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) or "
    "(message.role == \"assistant\" and not message.tool_calls) %}\n"
    "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
    "    {%- elif message.role == \"assistant\" %}\n"
    "        {{- '<|im_start|>' + message.role }}\n"
    "        {%- if message.content %}\n"
    "            {{- '\\n' + message.content }}\n"
    "        {%- endif %}\n"
    "        {%- for tool_call in message.tool_calls %}\n"
    "            {%- if tool_call.function is defined %}\n"
    "                {%- set tool_call = tool_call.function %}\n"
    "            {%- endif %}\n"
    "            {{- '\\n<tool_call>\\n{\"name\": \"' }}\n"
    "            {{- tool_call.name }}\n"
    "            {{- '\", \"arguments\": ' }}\n"
    "            {{- tool_call.arguments | tojson }}\n"
    "            {{- '}\\n</tool_call>' }}\n"
    "        {%- endfor %}\n"
    "        {{- '<|im_end|>\\n' }}\n"
    "    {%- elif message.role == \"tool\" %}\n"
    "        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != \"tool\") %}\n"
    "            {{- '<|im_start|>user' }}\n"
    "        {%- endif %}\n"
    "        {{- '\\n<tool_response>\\n' }}\n"
    "        {{- message.content }}\n"
    "        {{- '\\n</tool_response>' }}\n"
    "        {%- if loop.last or (messages[loop.index0 + 1].role != \"tool\") %}\n"
    "            {{- '<|im_end|>\\n' }}\n"
    "        {%- endif %}\n"
    "    {%- endif %}\n"
    "{%- endfor %}\n"
    "{%- if add_generation_prompt %}\n"
    "    {{- '<|im_start|>assistant\\n' }}\n"
    "{%- endif %}\n")

# DiffusionVL's conversation template "qwen_2_5" system text (train/llava/conversation.py)
DIFFUSIONVL_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
CAPTION = "Describe this image in detail."

# A few KB of training text: captions, punctuation, digits, accents, CJK, emoji, code-ish text.
CORPUS = """
A red circle above a blue square. A small green triangle to the left of a large yellow circle.
Two purple squares and one orange triangle on a white background; the triangle is below the squares.
Describe this image in detail. What is in the picture? There are three shapes: a circle, a square and a star.
The photo shows a dog running on the grass, next to a tree. It's a sunny day, isn't it? They're playing.
We'll see; you've got it; I'm sure he'd like it. "Quoted text" and 'single quotes' (parentheses) [brackets] {braces}.
Numbers: 0 1 2 3 4 5 6 7 8 9 10 42 100 2024 3.14159 1,000,000 -17 +5 50% 1/2 x^2 #1 $9.99 @home.
Punctuation!!! Really??? Wait... -- em dash - hyphen _ underscore * star & ampersand | pipe \\ backslash ~ tilde.
Tabs\tand  double  spaces, trailing spaces   
Line one
Line two\r\nWindows line\n\nBlank line above.
Café, naïve, résumé, façade, jalapeño, Ångström, über, straße, Ærø, œuvre, São Paulo, Zürich.
Ελληνικά: ένας κόκκινος κύκλος. Русский: красный круг над синим квадратом. Türkçe: kırmızı daire.
中文：一只红色的圆形在蓝色的正方形上面。图片里有三个形状。这是一只猫。
日本語：赤い丸が青い四角の上にあります。これは猫です。カタカナとひらがな。
한국어: 빨간 원이 파란 사각형 위에 있습니다. 고양이.
العربية: دائرة حمراء فوق مربع أزرق. עברית: עיגול אדום. हिन्दी: लाल वृत्त नीले वर्ग के ऊपर है।
Emoji: 🐱 🐶 🌳 ☀️ ❤️ 👍🏽 🎉 🇯🇵 👩‍👩‍👧 😀😃😄 — with text around them 🙂.
def caption(image): return model.generate(image, max_new_tokens=128)  # code
<html><body><p>Some markup & entities &amp; &lt;tags&gt;</p></body></html>
https://example.com/path?query=1&x=y user@example.org
A red circle above a blue square. A red circle above a blue square. A blue square below a red circle.
""" * 3


def bytes_to_unicode():
    """GPT-2's byte to printable-character table (the symbols of a byte-level BPE vocabulary)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + \
        list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def pipeline(tok):
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    return tok


def build_tokenizer(vocab_size=700):
    """Learns merges on CORPUS, then lays the vocabulary out as Qwen2 does: bytes first, merges in rank order."""
    learner = pipeline(Tokenizer(models.BPE()))
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[])
    learner.train_from_iterator([CORPUS], trainer=trainer)
    learned = json.loads(learner.to_str())["model"]["merges"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in learned]
    vocab = {}
    for b, ch in sorted(bytes_to_unicode().items()):
        vocab[ch] = len(vocab)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    bpe = models.BPE(vocab=vocab, merges=merges, dropout=None, unk_token=None, continuing_subword_prefix="",
                     end_of_word_suffix="", fuse_unk=False, byte_fallback=False, ignore_merges=False)
    tok = pipeline(Tokenizer(bpe))
    for content, special in QWEN25_ADDED:
        t = AddedToken(content, single_word=False, lstrip=False, rstrip=False, normalized=False, special=special)
        (tok.add_special_tokens if special else tok.add_tokens)([t])
    assert tok.token_to_id("<|endoftext|>") == len(vocab), "added tokens follow the BPE vocabulary"
    return tok, len(vocab)


def tokenizer_config(template, bpe_size):
    added = {}
    for i, (content, special) in enumerate(QWEN25_ADDED):
        added[str(bpe_size + i)] = {"content": content, "lstrip": False, "normalized": False, "rstrip": False,
                                    "single_word": False, "special": special}
    return {
        "add_bos_token": False, "add_prefix_space": False, "added_tokens_decoder": added,
        "additional_special_tokens": ADDITIONAL_SPECIAL, "bos_token": None, "chat_template": template,
        "clean_up_tokenization_spaces": False, "eos_token": "<|im_end|>", "errors": "replace",
        "model_max_length": 32768, "pad_token": "<|endoftext|>", "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer", "unk_token": None,
    }


AWKWARD = [
    "", " ", "  ", "\n", "\n\n\n", "\r\n", "\t", " \t \n ",
    "A red circle above a blue square.",
    "  leading spaces", "trailing spaces   ", "many     inner     spaces", "tabs\tand\ttabs",
    "line one\nline two\r\nline three\n\n",
    "It's they're I'M WE'LL You'VE she'd don't", "'s alone", "o'clock rock'n'roll",
    "1234567890", "3.14159 -17 +5 1,000,000 50% 1/2 x^2", "2024-01-31T12:34:56Z", "٣٤٥ ४५६ 四五六",
    "!!!???...;;;", "(a)[b]{c}<d>", "\"quotes\" 'single' `back`", "a--b -- c---d", "#hash @at $dollar %pct",
    "https://example.com/path?query=1&x=y", "user@example.org", "def f(x): return x**2  # comment",
    "café", "cafe\u0301", "naïve résumé façade", "Ångström Å Å", "straße STRASSE", "ﬁ ligature ①",
    "一只红色的猫坐在蓝色的垫子上。", "これは猫です。カタカナ", "빨간 고양이", "Ελληνικά κείμενο", "Русский текст",
    "العربية نص", "עברית", "हिन्दी पाठ", "ไทย ภาษา", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
    "🐱", "🐱🐶🌳", "👍🏽", "👩‍👩‍👧", "🇯🇵🇫🇷", "☀️❤️", "emoji🙂inside", "text 🎉 party",
    "zero\u200bwidth", "nbsp\u00a0space", "soft\u00adhyphen", "bell\u0007 and esc\u001b", "null\u0000byte",
    "<|im_start|>user\nhi<|im_end|>\n", "<|vision_start|><|image_pad|><|vision_end|>",
    "<|im_end|><|im_end|>", "<|im_start", "im_end|>", "<image>", "<image>\nDescribe this image in detail.",
    "x<|endoftext|>y", "<tool_call>{\"a\": 1}</tool_call>", "<|IM_END|>",
    "a" * 300, "ab" * 100 + "!", " ".join(["dog"] * 50),
]


def qwen2_5_vl_processor(tokenizer, template):
    from transformers import Qwen2_5_VLProcessor
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil
    from transformers.video_processing_utils import BaseVideoProcessor
    from transformers.processing_utils import ProcessorMixin
    # The PIL image processor and a bare video processor: transformers' torchvision ones need torchvision (not
    # installable beside this torch), and no video is processed. Without torchvision the processor's class
    # check of the video processor compares against a placeholder class, so that one check is skipped.
    check = ProcessorMixin.check_argument_for_proper_class

    def lenient(self, name, arg):
        return type(arg) if name == "video_processor" else check(self, name, arg)

    ProcessorMixin.check_argument_for_proper_class = lenient
    try:
        # pixels between 384^2 and 512^2, DiffusionVL's limits for Qwen2.5-VL images
        image_processor = Qwen2VLImageProcessorPil(min_pixels=384 * 384, max_pixels=512 * 512)
        return Qwen2_5_VLProcessor(image_processor=image_processor, tokenizer=tokenizer,
                                   video_processor=BaseVideoProcessor(), chat_template=template)
    finally:
        ProcessorMixin.check_argument_for_proper_class = check


def diffusionvl_functions():
    """DiffusionVL's conv_templates and tokenizer_image_token, from $DIFFUSIONVL_SRC when importable."""
    src = os.environ.get("DIFFUSIONVL_SRC")
    if src:
        sys.path.insert(0, src)
        # llava.utils imports requests for its web helpers only; an empty module stands in when it is absent
        if importlib.util.find_spec("requests") is None:
            sys.modules["requests"] = types.ModuleType("requests")
        try:
            from llava.conversation import conv_templates
            from llava.mm_utils import tokenizer_image_token
            from llava.constants import IMAGE_TOKEN_INDEX
            return conv_templates, tokenizer_image_token, IMAGE_TOKEN_INDEX, f"imported from {src}"
        except Exception as e:  # noqa: BLE001 - any import failure falls back, and says why
            reason = f"DIFFUSIONVL_SRC={src} not importable ({type(e).__name__}: {e})"
    else:
        reason = "DIFFUSIONVL_SRC not set"
    return None, None, -200, "re-implemented from train/llava/conversation.py and mm_utils.py; " + reason


def diffusionvl_prompt(conv_templates, prompt_text):
    if conv_templates is not None:
        conv = conv_templates["qwen_2_5"].copy()
        conv.append_message(conv.roles[0], "<image>\n" + prompt_text)
        conv.append_message(conv.roles[1], None)
        return conv.get_prompt()
    # SeparatorStyle.CHATML of conv_qwen_2_5: system + sep + "\n", then role + "\n" + message + sep + "\n",
    # and a bare role + "\n" for the empty assistant turn
    system = "<|im_start|>system\n" + DIFFUSIONVL_SYSTEM
    return (system + "<|im_end|>\n" + "<|im_start|>user\n" + "<image>\n" + prompt_text + "<|im_end|>\n"
            + "<|im_start|>assistant\n")


def diffusionvl_ids(tokenizer_image_token, image_index, tokenizer, prompt):
    if tokenizer_image_token is not None:
        return [int(i) for i in tokenizer_image_token(prompt, tokenizer, image_index)]
    chunks = [tokenizer(c).input_ids for c in prompt.split("<image>")]
    out = list(chunks[0])
    for c in chunks[1:]:
        out.append(image_index)
        out.extend(c)
    return out


def generate(out_dir: pathlib.Path):
    from PIL import Image
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    tok, bpe_size = build_tokenizer()
    for old in out_dir.iterdir():
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    tok.save(str(out_dir / "tokenizer.json"))
    templates = {"qwen2_5_vl": QWEN25_VL_TEMPLATE, "qwen2_5": QWEN25_TEXT_TEMPLATE}
    for name, template in templates.items():
        (out_dir / name).mkdir()
        (out_dir / name / "tokenizer_config.json").write_text(
            json.dumps(tokenizer_config(template, bpe_size), indent=2, ensure_ascii=False) + "\n")

    def model_dir(tmp, name):
        d = pathlib.Path(tmp) / name
        d.mkdir()
        shutil.copy(out_dir / "tokenizer.json", d / "tokenizer.json")
        shutil.copy(out_dir / name / "tokenizer_config.json", d / "tokenizer_config.json")
        return d

    with tempfile.TemporaryDirectory() as tmp:
        dirs = {name: model_dir(tmp, name) for name in templates}
        fast = PreTrainedTokenizerFast(tokenizer_file=str(out_dir / "tokenizer.json"))
        auto = {name: AutoTokenizer.from_pretrained(str(d)) for name, d in dirs.items()}
        hf = auto["qwen2_5_vl"]

        encodings = []
        for text in AWKWARD:
            ids = fast.encode(text, add_special_tokens=False)
            for name, a in auto.items():
                got = a(text).input_ids
                assert got == ids, f"{name} AutoTokenizer ({type(a).__name__}) differs on {text!r}: {got} vs {ids}"
            encodings.append({
                "text": text, "ids": ids,
                "decoded": hf.decode(ids, skip_special_tokens=False),
                "decoded_skip_special": hf.decode(ids, skip_special_tokens=True),
                "tokens": hf.convert_ids_to_tokens(ids),
            })

        prompts = []
        # HF processor path: Qwen2.5-VL-Instruct and Fast-dVLM (image first, then the text)
        processor = qwen2_5_vl_processor(hf, QWEN25_VL_TEMPLATE)
        for size in [(448, 448), (500, 300), (300, 530)]:
            messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": CAPTION}]}]
            text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
            image = Image.new("RGB", size, (120, 60, 200))
            inputs = processor(text=[text], images=[image], return_tensors="pt")
            ids = inputs["input_ids"][0].tolist()
            grid = inputs["image_grid_thw"][0].tolist()
            prompts.append({
                "name": f"qwen2_5_vl_processor_{size[0]}x{size[1]}", "release": "Qwen2.5-VL-Instruct, Fast-dVLM",
                "template": "qwen2_5_vl", "layout": "content_parts", "system_prompt": None, "caption_prompt": CAPTION,
                "image_size": list(size), "image_grid_thw": grid, "rendered": text, "ids": ids,
                "image_token_id": processor.image_token_id,
                "image_tokens": sum(1 for i in ids if i == processor.image_token_id),
            })

        # DiffusionVL: conv template qwen_2_5 + tokenizer_image_token, for both of its tokenizer configs
        conv_templates, tokenizer_image_token, image_index, source = diffusionvl_functions()
        for name in templates:
            for caption in [CAPTION, "What is in the picture? Answer in one sentence, please!"]:
                rendered = diffusionvl_prompt(conv_templates, caption)
                ids = diffusionvl_ids(tokenizer_image_token, image_index, auto[name], rendered)
                prompts.append({
                    "name": f"diffusionvl_{name}" + ("" if caption == CAPTION else "_custom_prompt"),
                    "release": "DiffusionVL-Qwen2.5VL" if name == "qwen2_5_vl" else "DiffusionVL-Qwen2.5",
                    "template": name, "layout": "inline", "system_prompt": DIFFUSIONVL_SYSTEM,
                    "caption_prompt": caption, "rendered": rendered, "ids": ids, "image_token_id": image_index,
                    "image_tokens": sum(1 for i in ids if i == image_index),
                    # the text the release's own chat_template renders for the same chat (the engine's path)
                    "chat_template_rendered": auto[name].apply_chat_template(
                        [{"role": "system", "content": DIFFUSIONVL_SYSTEM},
                         {"role": "user", "content": "<image>\n" + caption}],
                        tokenize=False, add_generation_prompt=True),
                })

        # the templates' own defaults, string content and no system message (what a release without a
        # system prompt renders)
        for name in templates:
            rendered = auto[name].apply_chat_template([{"role": "user", "content": "<image>\n" + CAPTION}],
                                                      tokenize=False, add_generation_prompt=True)
            prompts.append({"name": f"{name}_default_system", "template": name, "layout": "inline",
                            "system_prompt": None, "caption_prompt": CAPTION, "rendered": rendered,
                            "ids": auto[name](rendered).input_ids})

    special = {content: bpe_size + i for i, (content, _) in enumerate(QWEN25_ADDED)}
    fixtures = {
        "generator": "parity/fx_tokenizer.py",
        "bpe_vocab_size": bpe_size,
        "special_token_ids": special,
        "diffusionvl_source": source,
        "encodings": encodings,
        "prompts": prompts,
    }
    (out_dir / "fixtures.json").write_text(json.dumps(fixtures, indent=1, ensure_ascii=False) + "\n")
    print(f"  bpe vocab {bpe_size}, {len(encodings)} strings, {len(prompts)} prompts; DiffusionVL: {source}")
