package dvlcap.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dvlcap.inspect.DecodingSummary;
import dvlcap.inspect.DtypeUse;
import dvlcap.inspect.Inspection;
import dvlcap.inspect.MemoryEstimate;
import dvlcap.inspect.ModelInspector;
import dvlcap.inspect.ParameterCount;
import dvlcap.inspect.Unsupported;
import dvlcap.inspect.VisionSummary;
import dvlcap.model.TextConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code dvlcap inspect}: what a model directory is and whether the engine runs it, without loading weights. */
public final class InspectCommand {
    static final String HELP = """
            Usage: dvlcap inspect [--model DIR] [--json]

            Describes the model in DIR from its config.json, the headers of its safetensors files (no
            tensor data is read), tokenizer.json and chat template: family, parameters (language model,
            vision tower, projector), stored dtypes and bytes, memory needed to run (the weights as the
            CPU backend holds them, the KV cache per 1,000 positions of one sequence, what that leaves
            out), the vision settings (tower, image size or tiles, pixels and tokens per image), the
            decoding defaults (mask id, block size, EOS, the caption prompt as rendered and its length)
            and everything the engine cannot run, each with the file, key or tensor and the reason.

            Exit status: 0 when the engine runs the model, 1 when something is not supported (the
            report still prints) or DIR cannot be read, 2 for a usage mistake.

            Options:
            """ + ModelFlag.HELP + """
              --json                    one JSON object instead of text
              --help                    this text
            """;

    private InspectCommand() {
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = Args.parse("inspect", argv, Set.of(ModelFlag.NAME), Set.of("json", "help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new Args.UsageException("'inspect' takes no positional arguments, got " + a.positional()
                    + " (the model is --model DIR)");
        }
        Path model = ModelFlag.path(a);
        Inspection r = ModelInspector.inspect(model);
        if (a.flag("json")) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json(r)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.print(text(r));
        }
        return r.supported() ? 0 : 1;
    }

    static Map<String, Object> json(Inspection r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", r.dir().toString());
        m.put("family", r.family());
        m.put("model_type", r.modelType());
        m.put("architectures", r.architectures());
        m.put("supported", r.supported());
        ParameterCount p = r.parameters();
        m.put("parameters", ordered("total", p.total(), "language_model", p.languageModel(), "vision_tower",
                p.visionTower(), "projector", p.projector()));
        List<Map<String, Object>> dtypes = new ArrayList<>();
        for (DtypeUse d : r.dtypes()) {
            dtypes.add(ordered("dtype", d.dtype(), "tensors", d.tensors(), "parameters", d.parameters(), "bytes",
                    d.bytes(), "supported", d.supported()));
        }
        m.put("weights", ordered("files", r.weightFiles(), "bytes", r.dtypes().stream().mapToLong(DtypeUse::bytes).sum(),
                "dtypes", dtypes));
        MemoryEstimate mem = r.memory();
        m.put("memory", mem == null ? null : ordered("weights_stored_bytes", mem.weightsStoredBytes(),
                "weights_held_bytes", mem.weightsHeldBytes(), "weights_held", mem.weightsHeld(),
                "kv_cache_bytes_per_1000_positions", mem.kvBytesPer1000Positions(), "note", mem.note()));
        TextConfig t = r.text();
        m.put("language_model", t == null ? null : ordered("layers", t.numLayers(), "hidden_size", t.hiddenSize(),
                "attention_heads", t.numHeads(), "kv_heads", t.numKvHeads(), "head_dim", t.headDim(),
                "intermediate_size", t.intermediateSize(), "vocab_size", t.vocabSize(), "rope_theta", t.ropeTheta(),
                "max_position_embeddings", t.maxPositionEmbeddings(), "tie_word_embeddings", t.tieWordEmbeddings()));
        VisionSummary v = r.vision();
        m.put("vision", v == null ? null : ordered("tower", v.tower(), "images", v.images(), "pixels",
                ordered("min", v.minPixels(), "max", v.maxPixels()), "tokens_per_image",
                ordered("min", v.minTokens(), "max", v.maxTokens()), "notes", v.notes()));
        DecodingSummary d = r.decoding();
        if (d == null) {
            m.put("decoding", null);
        } else {
            Map<String, Object> dm = ordered("mode", d.mode(), "mask_token_id", d.isDiffusion() ? d.maskTokenId() : null,
                    "mask_token", d.maskToken(), "block_size", d.blockSize(), "eos_token_ids", d.eosTokenIds(),
                    "eos_tokens", d.eosTokens(), "system_prompt", d.systemPrompt(), "caption_prompt", d.captionPrompt(),
                    "image_placeholder", d.imagePlaceholder(), "image_markup", d.imageMarkup(),
                    "chat_template", d.chatTemplate(), "prompt", d.prompt());
            dm.put("prompt_tokens", d.promptTokensBefore() < 0 ? null
                    : ordered("before_image", d.promptTokensBefore(), "after_image", d.promptTokensAfter()));
            m.put("decoding", dm);
        }
        List<Map<String, Object>> ns = new ArrayList<>();
        for (Unsupported u : r.notSupported()) {
            ns.add(ordered("file", u.file() == null ? null : u.file().toString(), "key", u.key(), "reason", u.reason()));
        }
        m.put("not_supported", ns);
        return m;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static String text(Inspection r) {
        StringBuilder b = new StringBuilder();
        line(b, "model", r.dir().toString());
        line(b, "family", r.family() + " (model_type " + (r.modelType() == null ? "none" : r.modelType())
                + (r.architectures().isEmpty() ? "" : ", " + String.join(", ", r.architectures())) + ")");
        ParameterCount p = r.parameters();
        line(b, "parameters", String.format(Locale.ROOT, "%s: language model %s, vision tower %s, projector %s",
                count(p.total()), count(p.languageModel()), count(p.visionTower()), count(p.projector())));
        List<String> dt = new ArrayList<>();
        for (DtypeUse d : r.dtypes()) {
            dt.add(String.format(Locale.ROOT, "%s %s in %d tensors (%s)%s", d.dtype(), bytes(d.bytes()), d.tensors(),
                    count(d.parameters()), d.supported() ? "" : " NOT SUPPORTED"));
        }
        line(b, "weights", (dt.isEmpty() ? "none read" : String.join("; ", dt)) + "; " + r.weightFiles()
                + " safetensors file(s), headers only");
        MemoryEstimate mem = r.memory();
        if (mem != null) {
            line(b, "memory", String.format(Locale.ROOT, "weights %s as stored, %s as the CPU backend holds them (%s)",
                    bytes(mem.weightsStoredBytes()), bytes(mem.weightsHeldBytes()), mem.weightsHeld()));
            line(b, "", "KV cache " + bytes(mem.kvBytesPer1000Positions()) + " per 1,000 positions of one sequence "
                    + "(float32)");
            line(b, "", mem.note());
        }
        TextConfig t = r.text();
        if (t != null) {
            line(b, "language", String.format(Locale.ROOT, "Qwen2, %d layers, hidden %d, %d query / %d kv heads of %d, "
                            + "MLP %d, vocab %d, rope_theta %s, %d positions, %s embeddings", t.numLayers(),
                    t.hiddenSize(), t.numHeads(), t.numKvHeads(), t.headDim(), t.intermediateSize(), t.vocabSize(),
                    trim(t.ropeTheta()), t.maxPositionEmbeddings(), t.tieWordEmbeddings() ? "tied" : "untied"));
        }
        VisionSummary v = r.vision();
        if (v != null) {
            line(b, "vision", v.tower());
            line(b, "", v.images());
            line(b, "", "pixels per image " + range(v.minPixels(), v.maxPixels()) + ", tokens per image "
                    + range(v.minTokens(), v.maxTokens()));
            v.notes().forEach(n -> line(b, "", n));
        }
        DecodingSummary d = r.decoding();
        if (d != null) {
            line(b, "decoding", d.mode() + (d.isDiffusion() ? ": mask id " + d.maskTokenId()
                    + (d.maskToken() == null ? " (an embedding row, not a tokenizer token)" : " (" + d.maskToken() + ")")
                    + ", block size " + d.blockSize() : ""));
            List<String> eos = new ArrayList<>();
            for (int i = 0; i < d.eosTokenIds().size(); i++) {
                String tok = d.eosTokens().get(i);
                eos.add(d.eosTokenIds().get(i) + (tok == null ? "" : " (" + tok + ")"));
            }
            line(b, "", "EOS " + String.join(", ", eos));
            line(b, "", "system prompt " + (d.systemPrompt() == null ? "(the template's default)" : quote(d.systemPrompt()))
                    + ", caption prompt " + quote(d.captionPrompt()));
            line(b, "", "user turn " + quote(d.imageMarkup() + d.captionPrompt()) + ", the image at "
                    + quote(d.imagePlaceholder()) + "; chat template " + (d.chatTemplate() == null ? "none" : d.chatTemplate()));
            if (d.prompt() != null) {
                line(b, "", "prompt " + quote(d.prompt()));
                if (d.promptTokensBefore() >= 0) {
                    String img = v == null ? "the image" : "image " + range(v.minTokens(), v.maxTokens());
                    line(b, "", "prompt length " + d.promptTokensBefore() + " tokens + " + img + " + "
                            + d.promptTokensAfter() + " tokens");
                }
            }
        }
        if (r.supported()) {
            line(b, "supported", "yes: nothing found that the engine cannot run");
        } else {
            line(b, "not supported", r.notSupported().get(0).toString());
            r.notSupported().stream().skip(1).forEach(u -> line(b, "", u.toString()));
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String label, String text) {
        b.append(String.format(Locale.ROOT, "%-14s%s%n", label, text));
    }

    private static String range(long min, long max) {
        return min == max ? String.format(Locale.ROOT, "%,d", min) : String.format(Locale.ROOT, "%,d..%,d", min, max);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + "\"";
    }

    private static String trim(float f) {
        return f == Math.rint(f) ? String.valueOf((long) f) : String.valueOf(f);
    }

    /** 1,234,567 (1.23M). */
    static String count(long n) {
        String exact = String.format(Locale.ROOT, "%,d", n);
        if (n >= 1_000_000_000L) {
            return exact + String.format(Locale.ROOT, " (%.2fB)", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return exact + String.format(Locale.ROOT, " (%.2fM)", n / 1e6);
        }
        return exact;
    }

    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        if (n >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return n + " B";
    }
}
