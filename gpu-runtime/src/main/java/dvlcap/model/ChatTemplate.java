package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A model's Jinja chat template, rendered as Hugging Face {@code apply_chat_template} does: with
 * {@code trim_blocks} and {@code lstrip_blocks}, one trailing newline of the template dropped, and the
 * variables {@code messages}, {@code add_generation_prompt}, {@code bos_token}, {@code eos_token},
 * {@code tools} (null) and the function {@code raise_exception}.
 */
public final class ChatTemplate {
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path source;
    private final String template;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    private ChatTemplate(Path source, String template, String bosToken, String eosToken) {
        this.source = source;
        // jinja2's default keep_trailing_newline=False drops a single trailing newline
        this.template = template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} trims as in Jinja
                        .withParseWhitespaceControlStrictly(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withUsePyishObjectMapper(true)
                        .withKeepNullableLoopValues(true)
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .build())
                .build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
    }

    /** A template given as text; {@code source} is what errors name. Tokens may be null. */
    public static ChatTemplate of(String template, String bosToken, String eosToken, Path source) {
        return new ChatTemplate(source, template, bosToken, eosToken);
    }

    /**
     * The template of a model directory: {@code tokenizer_config.json}'s {@code chat_template} (a string,
     * or a list of named templates of which "default" is used), else {@code chat_template.jinja}, else
     * {@code chat_template.json}.
     */
    public static ChatTemplate load(Path modelDir) {
        Path configFile = modelDir.resolve(TOKENIZER_CONFIG);
        JsonNode config = Files.isRegularFile(configFile) ? readJson(configFile) : JSON.createObjectNode();
        String bos = tokenText(config.get("bos_token"));
        String eos = tokenText(config.get("eos_token"));
        JsonNode t = config.get("chat_template");
        if (t != null && !t.isNull()) {
            return new ChatTemplate(configFile, templateText(configFile, t), bos, eos);
        }
        Path jinja = modelDir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            try {
                return new ChatTemplate(jinja, Files.readString(jinja), bos, eos);
            } catch (IOException e) {
                throw new ModelFileException(jinja, null, "cannot read: " + e, e);
            }
        }
        Path json = modelDir.resolve("chat_template.json");
        if (Files.isRegularFile(json)) {
            JsonNode n = readJson(json).get("chat_template");
            if (n == null || n.isNull()) {
                throw new ModelFileException(json, null, "no chat_template entry");
            }
            return new ChatTemplate(json, templateText(json, n), bos, eos);
        }
        throw new ModelFileException(configFile, null, "no chat_template, and neither chat_template.jinja nor "
                + "chat_template.json is in " + modelDir);
    }

    private static String templateText(Path file, JsonNode t) {
        if (t.isTextual()) {
            return t.asText();
        }
        if (t.isArray()) {
            for (JsonNode named : t) {
                if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
                    return named.get("template").asText();
                }
            }
            throw new ModelFileException(file, null, "chat_template is a list without a 'default' template");
        }
        throw new ModelFileException(file, null, "chat_template is neither a string nor a list of named templates");
    }

    /** Special tokens are saved either as a string or as an AddedToken object with "content". */
    private static String tokenText(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isObject() ? n.path("content").asText(null) : n.asText();
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(Files.readString(file));
            if (n == null || !n.isObject()) {
                throw new ModelFileException(file, null, "not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ModelFileException(file, null, "cannot read JSON: " + e.getMessage(), e);
        }
    }

    public Path source() {
        return source;
    }

    public String text() {
        return template;
    }

    public String eosToken() {
        return eosToken;
    }

    public String bosToken() {
        return bosToken;
    }

    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            msgs.add(map);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        vars.put("tools", null);
        RenderResult r;
        try {
            r = jinjava.renderForResult(template, vars);
        } catch (RuntimeException e) {
            throw new ModelFileException(source, null, "chat template failed: " + e.getMessage(), e);
        }
        List<TemplateError> fatal = r.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).collect(Collectors.toList());
        if (!fatal.isEmpty()) {
            throw new ModelFileException(source, null, "chat template failed: " + fatal.stream()
                    .map(e -> e.getMessage() + rootCause(e.getException())
                            + (e.getLineno() > 0 ? " (line " + e.getLineno() + ")" : ""))
                    .collect(Collectors.joining("; ")));
        }
        return r.getOutput();
    }

    /** The innermost message, which for raise_exception is the template's own text. */
    private static String rootCause(Throwable t) {
        if (t == null) {
            return "";
        }
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return ": " + t.getMessage();
    }

    /** Target of the templates' {@code raise_exception(message)}. */
    public static String raiseException(String message) {
        throw new IllegalStateException("template raised: " + message);
    }
}
