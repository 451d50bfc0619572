package dvlcap.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.image.ImageDecodeException;
import dvlcap.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Spark's image struct read as the engine's RGB image: channel order, gray, alpha, and bad structs. */
class SparkImageStructTest {

    static Row struct(int height, int width, int channels, int mode, byte[] data) {
        return new GenericRowWithSchema(new Object[] {"file:/x.png", height, width, channels, mode, data},
                ImageSchema.columnSchema());
    }

    @Test
    void bgrBytesBecomeTheSameRgbPixels() {
        // 2x1: a pure-ish red then a pure-ish blue pixel, stored B, G, R.
        byte[] bgr = {10, 20, (byte) 200, (byte) 250, 30, 40};
        BufferedImage img = SparkImageStruct.toRgb(struct(1, 2, 3, SparkImageStruct.CV_8UC3, bgr), "x");
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(0xC8140A, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x281EFA, img.getRGB(1, 0) & 0xFFFFFF);
    }

    @Test
    void grayIsReplicatedAndAlphaDroppedKeepingTheColourUnderIt() {
        BufferedImage gray = SparkImageStruct.toRgb(struct(1, 2, 1, SparkImageStruct.CV_8UC1,
                new byte[] {7, (byte) 180}), "g");
        assertEquals(0x070707, gray.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xB4B4B4, gray.getRGB(1, 0) & 0xFFFFFF);
        BufferedImage bgra = SparkImageStruct.toRgb(struct(1, 1, 4, SparkImageStruct.CV_8UC4,
                new byte[] {1, 2, 3, 0}), "a");
        assertEquals(0x030201, bgra.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void aStructFromTheImageDecoderOfSparkMatchesOurDecoderOnAPng() throws Exception {
        BufferedImage src = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                src.setRGB(x, y, (x * 50 << 16) | (y * 80 << 8) | (x * y * 17));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(src, "png", png);
        BufferedImage ours = new ImageDecoder().decode(png.toByteArray());
        // The layout Spark's data source writes: row by row, B, G, R.
        byte[] bgr = new byte[5 * 3 * 3];
        for (int y = 0, p = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++, p += 3) {
                int rgb = src.getRGB(x, y);
                bgr[p] = (byte) rgb;
                bgr[p + 1] = (byte) (rgb >> 8);
                bgr[p + 2] = (byte) (rgb >> 16);
            }
        }
        BufferedImage fromStruct = SparkImageStruct.toRgb(struct(3, 5, 3, SparkImageStruct.CV_8UC3, bgr), "p");
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                assertEquals(ours.getRGB(x, y), fromStruct.getRGB(x, y), x + "," + y);
            }
        }
    }

    @Test
    void theDataSourcesInvalidRowAndInconsistentStructsAreNamedErrors() {
        ImageDecodeException invalid = assertThrows(ImageDecodeException.class, () -> SparkImageStruct.toRgb(
                struct(-1, -1, -1, -1, new byte[0]), "file:/bad.png"));
        assertTrue(invalid.getMessage().startsWith("file:/bad.png: "), invalid.getMessage());
        assertTrue(invalid.getMessage().contains("could not be decoded by Spark's image data source"),
                invalid.getMessage());
        String shortData = assertThrows(ImageDecodeException.class, () -> SparkImageStruct.toRgb(
                struct(2, 2, 3, SparkImageStruct.CV_8UC3, new byte[11]), "s")).getMessage();
        assertTrue(shortData.contains("11 data bytes, expected 2x2x3 = 12"), shortData);
        String mode = assertThrows(ImageDecodeException.class, () -> SparkImageStruct.toRgb(
                struct(1, 1, 3, 21, new byte[3]), "m")).getMessage();
        assertTrue(mode.contains("OpenCV mode 21") && mode.contains("CV_8UC3 = 16"), mode);
        String channels = assertThrows(ImageDecodeException.class, () -> SparkImageStruct.toRgb(
                struct(1, 1, 2, 8, new byte[2]), "c")).getMessage();
        assertTrue(channels.contains("2 channels") && channels.contains("1 (gray), 3 (BGR) or 4 (BGRA)"), channels);
    }

    @Test
    void theImageStructTypeIsRecognisedByItsFields() {
        assertTrue(SparkImageStruct.isImageStruct(ImageSchema.columnSchema()));
        StructType noOrigin = new StructType().add("height", DataTypes.IntegerType).add("width", DataTypes.IntegerType)
                .add("nChannels", DataTypes.IntegerType).add("mode", DataTypes.IntegerType)
                .add("data", DataTypes.BinaryType);
        assertTrue(SparkImageStruct.isImageStruct(noOrigin));
        assertFalse(SparkImageStruct.isImageStruct(DataTypes.BinaryType));
        StructType stringData = new StructType().add("height", DataTypes.IntegerType)
                .add("width", DataTypes.IntegerType).add("nChannels", DataTypes.IntegerType)
                .add("mode", DataTypes.IntegerType).add("data", DataTypes.StringType);
        assertFalse(SparkImageStruct.isImageStruct(stringData));
    }
}
