package dvlcap.job;

import dvlcap.image.ImageDecodeException;
import dvlcap.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark's image data source struct ({@code spark.read.format("image")}: origin, height, width,
 * nChannels, mode, data) as the engine's 8-bit sRGB image.
 *
 * <p>The data source stores 8-bit pixels row by row in OpenCV order: BGR, BGRA (alpha kept beside
 * the colour, as ImageIO's {@code getRGB} gives it) or one gray sample. Alpha is dropped keeping the
 * colour under it and gray is replicated, exactly as {@code dvlcap.image.ImageDecoder} converts
 * encoded files, so a PNG gives the same pixels either way. A file the data source could not decode
 * is a row with height and width -1; it, and any struct whose fields disagree, is an
 * {@link ImageDecodeException} naming the image.
 */
public final class SparkImageStruct {

    /** OpenCV type codes the data source writes: 8-bit unsigned with 1, 3 or 4 channels. */
    static final int CV_8UC1 = 0;
    static final int CV_8UC3 = 16;
    static final int CV_8UC4 = 24;

    private static final List<String> FIELDS = List.of("height", "width", "nChannels", "mode", "data");

    private SparkImageStruct() {
    }

    /** Whether {@code type} is a struct with the image data source's fields (origin is optional). */
    public static boolean isImageStruct(DataType type) {
        if (!(type instanceof StructType s)) {
            return false;
        }
        for (String name : FIELDS) {
            if (!List.of(s.fieldNames()).contains(name)) {
                return false;
            }
            DataType t = s.apply(name).dataType();
            if (!(name.equals("data") ? t.equals(DataTypes.BinaryType) : t.equals(DataTypes.IntegerType))) {
                return false;
            }
        }
        return true;
    }

    /** The struct's origin field, or null when it has none. */
    public static String origin(Row struct) {
        StructType s = struct.schema();
        if (s == null || !List.of(s.fieldNames()).contains("origin")) {
            return null;
        }
        return struct.getAs("origin");
    }

    /**
     * @param name how error messages name the image
     * @throws ImageDecodeException for an invalid image row, unsupported mode or channel count, a size
     *         over {@link ImageDecoder#DEFAULT_MAX_PIXELS}, or data whose length disagrees with the size
     */
    public static BufferedImage toRgb(Row struct, String name) {
        Integer height = struct.getAs("height");
        Integer width = struct.getAs("width");
        Integer channels = struct.getAs("nChannels");
        Integer mode = struct.getAs("mode");
        byte[] data = struct.getAs("data");
        if (height == null || width == null || channels == null || mode == null || data == null) {
            throw invalid(name, "image struct has null fields");
        }
        if (height <= 0 || width <= 0) {
            throw invalid(name, "image could not be decoded by Spark's image data source (its struct has size "
                    + width + "x" + height + ", the data source's mark of an invalid image)");
        }
        long pixels = (long) width * height;
        if (pixels > ImageDecoder.DEFAULT_MAX_PIXELS) {
            throw invalid(name, "image is " + width + "x" + height + " = " + pixels + " pixels, over the limit of "
                    + ImageDecoder.DEFAULT_MAX_PIXELS + " pixels");
        }
        int expectedMode = switch (channels) {
            case 1 -> CV_8UC1;
            case 3 -> CV_8UC3;
            case 4 -> CV_8UC4;
            default -> throw invalid(name, "image struct has " + channels + " channels; the image struct allows 1 (gray), "
                    + "3 (BGR) or 4 (BGRA)");
        };
        if (mode != expectedMode) {
            throw invalid(name, "image struct has OpenCV mode " + mode + " with " + channels + " channels; only 8-bit "
                    + "modes are supported (CV_8UC1 = 0, CV_8UC3 = 16, CV_8UC4 = 24)");
        }
        if (data.length != pixels * channels) {
            throw invalid(name, "image struct has " + data.length + " data bytes, expected " + width + "x" + height + "x"
                    + channels + " = " + pixels * channels);
        }
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        for (int i = 0, p = 0; i < out.length; i++, p += channels) {
            if (channels == 1) {
                int v = data[p] & 0xFF;
                out[i] = (v << 16) | (v << 8) | v;
            } else {
                out[i] = ((data[p + 2] & 0xFF) << 16) | ((data[p + 1] & 0xFF) << 8) | (data[p] & 0xFF);
            }
        }
        return rgb;
    }

    private static ImageDecodeException invalid(String name, String reason) {
        return new ImageDecodeException(name, null, reason);
    }
}
