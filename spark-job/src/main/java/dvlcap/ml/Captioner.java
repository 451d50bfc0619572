package dvlcap.ml;

import dvlcap.backend.BackendRequest;
import dvlcap.decode.DecoderKind;
import dvlcap.decode.DecodingSettings;
import dvlcap.decode.RemaskingKind;
import dvlcap.job.CaptionJob;
import dvlcap.engine.KvBudget;
import dvlcap.job.EngineSpec;
import dvlcap.job.HadoopConf;
import dvlcap.job.PartitionCaptioner;
import dvlcap.job.SparkImageStruct;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Transformer} that captions the images of any DataFrame: it appends caption,
 * status, error, tokens, forwards and latency_ms (with {@link #outputPrefix()} before each name) to
 * every row of a DataFrame whose {@link #inputCol()} holds encoded image bytes (binary) or Spark's
 * image data source struct ({@code spark.read().format("image")}).
 *
 * <p>It runs exactly the job's executor path ({@link PartitionCaptioner}): the same engine, loaded
 * once per executor JVM and shared with every task (and with a {@code dvlcap job} running in the same
 * JVM with the same settings), the same batching, and the same error rows: a bad image gives
 * {@code status = error} and the reason, never a failed task. Greedy captions equal the job's.
 *
 * <p>Persistable with {@link #write()} and {@link #load(String)}, alone or inside a
 * {@code PipelineModel}. Every parameter is checked when set and again when the schema is
 * transformed (parameters loaded or passed in a ParamMap skip the setters); a bad one is an
 * IllegalArgumentException naming it and what it allows.
 */
public final class Captioner extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> modelCache;
    private final Param<String> inputCol;
    private final Param<String> idCol;
    private final Param<String> outputPrefix;
    private final Param<String> decoder;
    private final IntParam blockSize;
    private final IntParam steps;
    private final Param<String> remasking;
    private final DoubleParam threshold;
    private final IntParam subBlock;
    private final IntParam maxNewTokens;
    private final Param<String> prompt;
    private final IntParam batchSize;
    private final Param<String> backend;

    public Captioner() {
        this(Identifiable.randomUID("dvlcapCaptioner"));
    }

    /** The constructor Spark's reader calls with the saved uid. */
    public Captioner(String uid) {
        this.uid = uid;
        // Initialized here, not in field initializers: a Param needs its parent's uid.
        DecodingSettings d = DecodingSettings.defaults();
        modelPath = new Param<>(this, "modelPath", "model directory (Hugging Face layout), local, hdfs:// or s3a:// "
                + "(required)");
        modelCache = new Param<>(this, "modelCache", "local directory executors copy remote models into");
        inputCol = new Param<>(this, "inputCol", "image column: binary (encoded image) or Spark's image struct");
        idCol = new Param<>(this, "idCol", "optional column that names rows in error messages");
        outputPrefix = new Param<>(this, "outputPrefix", "prefix of the added columns' names");
        decoder = new Param<>(this, "decoder", "block, ar or speculative");
        blockSize = new IntParam(this, "blockSize", "tokens per block, >= 1; 0 = the model's");
        steps = new IntParam(this, "steps", "denoising steps per block, >= 1; 0 = the block size");
        remasking = new Param<>(this, "remasking", "static or dynamic low-confidence remasking");
        threshold = new DoubleParam(this, "threshold", "confidence threshold of dynamic remasking and sub-blocks");
        subBlock = new IntParam(this, "subBlock", "denoise each block this many positions at a time; 0 = off");
        maxNewTokens = new IntParam(this, "maxNewTokens", "answer length bound, >= 1");
        prompt = new Param<>(this, "prompt", "user prompt; unset = the model's caption prompt");
        batchSize = new IntParam(this, "batchSize", "images a task hands to the engine at once and the engine's "
                + "largest batch, >= 1");
        backend = new Param<>(this, "backend", String.join(", ", BackendRequest.NAMES));
        setDefault(modelCache, Path.of(System.getProperty("java.io.tmpdir"), "dvlcap-models").toString());
        setDefault(inputCol, "image");
        setDefault(outputPrefix, "");
        setDefault(decoder, name(d.decoder()));
        setDefault(blockSize, d.blockSize());
        setDefault(steps, d.steps());
        setDefault(remasking, name(d.remasking()));
        setDefault(threshold, (double) d.threshold());
        setDefault(subBlock, d.subBlock());
        setDefault(maxNewTokens, d.maxNewTokens());
        setDefault(batchSize, 16);
        setDefault(backend, "auto");
    }

    @Override
    public String uid() {
        return uid;
    }

    // Spark finds parameters through public no-argument methods returning a Param.

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> modelCache() {
        return modelCache;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> idCol() {
        return idCol;
    }

    public Param<String> outputPrefix() {
        return outputPrefix;
    }

    public Param<String> decoder() {
        return decoder;
    }

    public IntParam blockSize() {
        return blockSize;
    }

    public IntParam steps() {
        return steps;
    }

    public Param<String> remasking() {
        return remasking;
    }

    public DoubleParam threshold() {
        return threshold;
    }

    public IntParam subBlock() {
        return subBlock;
    }

    public IntParam maxNewTokens() {
        return maxNewTokens;
    }

    public Param<String> prompt() {
        return prompt;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public Param<String> backend() {
        return backend;
    }

    public Captioner setModelPath(String v) {
        return checkedSet(modelPath, v);
    }

    public Captioner setModelCache(String v) {
        return checkedSet(modelCache, v);
    }

    public Captioner setInputCol(String v) {
        return checkedSet(inputCol, v);
    }

    public Captioner setIdCol(String v) {
        return checkedSet(idCol, v);
    }

    public Captioner setOutputPrefix(String v) {
        return checkedSet(outputPrefix, v);
    }

    public Captioner setDecoder(String v) {
        return checkedSet(decoder, v);
    }

    public Captioner setBlockSize(int v) {
        return checkedSet(blockSize, v);
    }

    public Captioner setSteps(int v) {
        return checkedSet(steps, v);
    }

    public Captioner setRemasking(String v) {
        return checkedSet(remasking, v);
    }

    public Captioner setThreshold(double v) {
        return checkedSet(threshold, v);
    }

    public Captioner setSubBlock(int v) {
        return checkedSet(subBlock, v);
    }

    public Captioner setMaxNewTokens(int v) {
        return checkedSet(maxNewTokens, v);
    }

    public Captioner setPrompt(String v) {
        return checkedSet(prompt, v);
    }

    public Captioner setBatchSize(int v) {
        return checkedSet(batchSize, v);
    }

    public Captioner setBackend(String v) {
        return checkedSet(backend, v);
    }

    public String getModelPath() {
        return isDefined(modelPath) ? getOrDefault(modelPath) : null;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public int getBlockSize() {
        return intValue(blockSize);
    }

    public int getSteps() {
        return intValue(steps);
    }

    public double getThreshold() {
        return (Double) getOrDefault(threshold);
    }

    public int getSubBlock() {
        return intValue(subBlock);
    }

    public int getMaxNewTokens() {
        return intValue(maxNewTokens);
    }

    public int getBatchSize() {
        return intValue(batchSize);
    }

    /** The added column names, in order. */
    public List<String> getOutputCols() {
        return columns().names();
    }

    /** The decoding settings these parameters give (greedy; block size and steps 0 = the model's). */
    public DecodingSettings decodingSettings() {
        checkParams();
        DecodingSettings d = DecodingSettings.defaults();
        return new DecodingSettings(DecoderKind.valueOf(upper(getOrDefault(decoder))), getBlockSize(),
                getSteps(), RemaskingKind.valueOf(upper(getOrDefault(remasking))), (float) getThreshold(),
                getMaxNewTokens(), d.temperature(), d.topK(), d.topP(), d.seed(), getSubBlock());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        checkParams();
        String image = getOrDefault(inputCol);
        DataType type = column(schema, image, "inputCol").dataType();
        if (!type.equals(DataTypes.BinaryType) && !SparkImageStruct.isImageStruct(type)) {
            throw new IllegalArgumentException("Captioner inputCol '" + image + "' is " + type.simpleString()
                    + "; it must be binary (encoded image bytes) or Spark's image struct (" + structFields() + ")");
        }
        if (isDefined(idCol)) {
            column(schema, getOrDefault(idCol), "idCol");
        }
        List<String> clashes = new ArrayList<>(columns().names());
        clashes.retainAll(Arrays.asList(schema.fieldNames()));
        if (!clashes.isEmpty()) {
            throw new IllegalArgumentException("Captioner would add columns " + clashes + " that the DataFrame "
                    + "already has; setOutputPrefix(\"...\") to name the added columns apart");
        }
        StructType out = schema;
        for (StructField f : columns().fields()) {
            out = out.add(f);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        SparkSession spark = dataset.sparkSession();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String model = getOrDefault(modelPath);
        checkModel(model, hadoop);
        // The same factory setting as the job, so tests plug their captioner into both.
        String factory = spark.conf().get(CaptionJob.FACTORY_CONF, EngineSpec.ENGINE_FACTORY);
        int batch = getBatchSize();
        EngineSpec spec = new EngineSpec(model, getOrDefault(modelCache), decodingSettings(), batch,
                isDefined(prompt) ? getOrDefault(prompt) : null, BackendRequest.of(getOrDefault(backend)), KvBudget.auto(), factory);
        PartitionCaptioner captioner = new PartitionCaptioner(spec, new HadoopConf(hadoop), uid, batch,
                spark.sparkContext().longAccumulator(uid + ".images"),
                spark.sparkContext().longAccumulator(uid + ".errors"));
        String image = getOrDefault(inputCol);
        int idIndex = isDefined(idCol) ? in.fieldIndex(getOrDefault(idCol)) : -1;
        ImageColumnCaptioner f = new ImageColumnCaptioner(captioner, in.fieldIndex(image), in.apply(image).dataType(),
                idIndex, out, columns());
        return dataset.toDF().mapPartitions(f, Encoders.row(out));
    }

    @Override
    public Captioner copy(ParamMap extra) {
        return (Captioner) defaultCopy(extra);
    }

    /** Spark's reader for this class (what {@code PipelineModel.load} calls by reflection). */
    public static MLReader<Captioner> read() {
        return new DefaultParamsReader<>();
    }

    public static Captioner load(String path) {
        return read().load(path);
    }

    /** An IntParam's value (Spark types IntParam as a Param of Object). */
    private int intValue(IntParam p) {
        return (Integer) getOrDefault(p);
    }

    private CaptionColumns columns() {
        return new CaptionColumns(getOrDefault(outputPrefix));
    }

    private <T> Captioner checkedSet(Param<T> param, T value) {
        String problem = problem(param.name(), value);
        if (problem != null) {
            throw new IllegalArgumentException("Captioner " + param.name() + " " + problem);
        }
        set(param, value);
        return this;
    }

    /** Checks every parameter that has a value, however it got it (setter, ParamMap, loaded metadata). */
    private void checkParams() {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("Captioner modelPath is not set: setModelPath(DIR) with a model "
                    + "directory (config.json, *.safetensors, tokenizer.json), local, hdfs:// or s3a://");
        }
        for (Param<?> p : params()) {
            if (isDefined(p)) {
                String problem = problem(p.name(), getOrDefault(p));
                if (problem != null) {
                    throw new IllegalArgumentException("Captioner " + p.name() + " " + problem);
                }
            }
        }
    }

    /** What is wrong with {@code value} for the parameter {@code name}, or null if nothing is. */
    static String problem(String name, Object value) {
        if (value == null) {
            return "must not be null";
        }
        return switch (name) {
            case "modelPath", "modelCache", "inputCol", "idCol" ->
                    ((String) value).isBlank() ? "must not be blank" : null;
            case "prompt" -> ((String) value).isBlank() ? "must not be blank (leave it unset for the model's "
                    + "caption prompt)" : null;
            case "outputPrefix" -> null;
            case "decoder" -> oneOf(value, "block", "ar", "speculative");
            case "remasking" -> oneOf(value, "static", "dynamic");
            case "backend" -> oneOf(value, BackendRequest.NAMES.toArray(String[]::new));
            case "blockSize" -> atLeast(value, 0, " (0 = the model's block size)");
            case "steps" -> atLeast(value, 0, " (0 = as many steps as the block size)");
            case "subBlock" -> atLeast(value, 0, " (0 = off)");
            case "maxNewTokens", "batchSize" -> atLeast(value, 1, "");
            case "threshold" -> Double.isFinite((Double) value) ? null : "must be a finite number, got " + value;
            default -> throw new IllegalStateException("no check for parameter " + name);
        };
    }

    private static String oneOf(Object value, String... allowed) {
        String v = ((String) value).toLowerCase(Locale.ROOT);
        return Arrays.asList(allowed).contains(v) ? null
                : "must be one of " + String.join(", ", allowed) + ", got '" + value + "'";
    }

    private static String atLeast(Object value, int min, String meaning) {
        int v = (Integer) value;
        return v >= min ? null : "must be >= " + min + meaning + ", got " + v;
    }

    private static StructField column(StructType schema, String name, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("Captioner " + param + " '" + name + "' is not a column of the "
                    + "DataFrame; its columns are " + Arrays.toString(schema.fieldNames()));
        }
        return schema.apply(name);
    }

    /** Fails on the driver for a model the executors could not load (instead of failing every task). */
    private static void checkModel(String model, Configuration hadoop) {
        org.apache.hadoop.fs.Path config = new org.apache.hadoop.fs.Path(model, "config.json");
        try {
            if (!config.getFileSystem(hadoop).exists(config)) {
                throw new IllegalArgumentException("Captioner modelPath " + model + " is not a model directory "
                        + "(no config.json in it)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Captioner cannot read modelPath " + model + ": " + e.getMessage(), e);
        }
    }

    private static String structFields() {
        return "height, width, nChannels, mode: int, data: binary, as spark.read().format(\"image\") gives";
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
