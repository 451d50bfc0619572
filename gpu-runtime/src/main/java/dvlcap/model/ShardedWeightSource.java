package dvlcap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split over several safetensors files by a {@code model.safetensors.index.json}
 * ({@code weight_map}: tensor name to shard file name, relative to the index's directory).
 */
public final class ShardedWeightSource implements WeightSource {
    public static final String INDEX_FILE = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path index;
    private final Map<String, SafetensorsFile> byTensor;
    private final List<SafetensorsFile> shards;

    private ShardedWeightSource(Path index, Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> shards) {
        this.index = index;
        this.byTensor = byTensor;
        this.shards = shards;
    }

    public static ShardedWeightSource open(Path indexFile) {
        Map<String, String> weightMap = readWeightMap(indexFile);
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String tensor = e.getKey();
                String shardName = e.getValue();
                SafetensorsFile shard = opened.get(shardName);
                if (shard == null) {
                    Path p = dir.resolve(shardName).normalize();
                    if (!dir.equals(p.getParent())) {
                        throw new ModelFileException(indexFile, tensor, "shard '" + shardName
                                + "' is not a file name in the checkpoint directory");
                    }
                    if (!Files.isRegularFile(p)) {
                        throw new ModelFileException(indexFile, tensor, "shard file " + p + " does not exist");
                    }
                    shard = SafetensorsFile.open(p);
                    opened.put(shardName, shard);
                }
                if (!shard.has(tensor)) {
                    throw new ModelFileException(shard.file(), tensor, "named in " + indexFile.getFileName()
                            + " but absent from this shard");
                }
                byTensor.put(tensor, shard);
            }
        } catch (RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new ShardedWeightSource(indexFile, Collections.unmodifiableMap(byTensor), List.copyOf(opened.values()));
    }

    private static Map<String, String> readWeightMap(Path indexFile) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(indexFile));
        } catch (IOException e) {
            throw new ModelFileException(indexFile, null, "cannot read JSON: " + e.getMessage(), e);
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new ModelFileException(indexFile, null, "no weight_map object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        wm.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new ModelFileException(indexFile, e.getKey(), "weight_map value is not a file name");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    public Path indexFile() {
        return index;
    }

    /** The shard files, in the order the index first names them. */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    /** The file that holds the tensor. */
    public SafetensorsFile shardOf(String name) {
        SafetensorsFile s = byTensor.get(name);
        if (s == null) {
            throw new ModelFileException(index, name, "no such tensor in the weight_map");
        }
        return s;
    }

    @Override
    public Set<String> names() {
        return byTensor.keySet();
    }

    @Override
    public long[] shape(String name) {
        return shardOf(name).shape(name);
    }

    @Override
    public float[] floats(String name, long... expectedShape) {
        return shardOf(name).floats(name, expectedShape);
    }

    @Override
    public StoredTensor stored(String name, long... expectedShape) {
        return shardOf(name).stored(name, expectedShape);
    }

    @Override
    public void close() {
        List<RuntimeException> errors = new ArrayList<>();
        for (SafetensorsFile s : shards) {
            try {
                s.close();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }
}
