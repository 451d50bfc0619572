package dvlcap.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes small image files, good and bad, that a decoder and the Spark job must handle: the good ones in
 * awkward encodings (CMYK JPEG, 16-bit, gray, palette, alpha, EXIF-rotated, animated GIF), the bad ones
 * of every kind a corpus holds (empty, truncated, random bytes, text, a decompression bomb). Deterministic:
 * the same bytes every run.
 */
public final class BadImages {
    /** Width and height of the plain valid images. */
    public static final int W = 24;
    public static final int H = 16;
    /** The EXIF-rotated JPEG as stored: 24 wide, 16 high, a red 8x8 block at the stored top-left. */
    public static final String EXIF_ROTATED = "exif-orientation-6.jpg";
    /** The bomb's claimed size. */
    public static final int BOMB_SIDE = 50_000;

    /**
     * What decoding a file should give.
     *
     * @param valid whether it decodes
     * @param width upright width when valid, else 0
     * @param height upright height when valid, else 0
     * @param reason for an error, lower-case words its {@code ImageDecodeException.reason()} must contain;
     *        null when valid
     */
    public record Expected(boolean valid, int width, int height, String reason) {
        static Expected ok(int width, int height) {
            return new Expected(true, width, height, null);
        }

        static Expected error(String reason) {
            return new Expected(false, 0, 0, reason);
        }
    }

    private BadImages() {
    }

    /** Writes every file into {@code dir} (created if missing) and returns file name -> expected outcome. */
    public static Map<String, Expected> write(Path dir) {
        try {
            Files.createDirectories(dir);
            Map<String, Expected> out = new LinkedHashMap<>();
            byte[] png = encode(pattern(W, H, BufferedImage.TYPE_INT_RGB), "png");
            byte[] jpeg = encode(pattern(W, H, BufferedImage.TYPE_INT_RGB), "jpeg");
            put(dir, out, "valid.png", png, Expected.ok(W, H));
            put(dir, out, "valid.jpg", jpeg, Expected.ok(W, H));
            put(dir, out, "valid.bmp", encode(pattern(W, H, BufferedImage.TYPE_INT_RGB), "bmp"), Expected.ok(W, H));
            put(dir, out, "gray.png", encode(pattern(W, H, BufferedImage.TYPE_BYTE_GRAY), "png"), Expected.ok(W, H));
            put(dir, out, "palette.png", encode(palette(W, H), "png"), Expected.ok(W, H));
            put(dir, out, "rgba.png", encode(pattern(W, H, BufferedImage.TYPE_INT_ARGB), "png"), Expected.ok(W, H));
            put(dir, out, "rgb16.png", encode(rgb16(W, H), "png"), Expected.ok(W, H));
            put(dir, out, "cmyk.jpg", cmykJpeg(W, H), Expected.ok(W, H));
            put(dir, out, EXIF_ROTATED, exifRotatedJpeg(), Expected.ok(16, 24));
            put(dir, out, "animated.gif", animatedGif(W, H), Expected.ok(W, H));

            put(dir, out, "empty.jpg", new byte[0], Expected.error("empty"));
            byte[] bigPng = encode(noise(96, 96, 7), "png"); // cut inside the pixel data, not the header
            put(dir, out, "truncated.png", Arrays.copyOf(bigPng, bigPng.length / 2), Expected.error("truncated"));
            byte[] bigJpeg = encode(noise(96, 96, 7), "jpeg");
            put(dir, out, "truncated.jpg", Arrays.copyOf(bigJpeg, bigJpeg.length / 2), Expected.error("truncated"));
            put(dir, out, "random.jpg", randomBytes(2048, 42), Expected.error("not a recognised image"));
            put(dir, out, "text.jpg", "This is not an image, it is a caption.\n".getBytes(StandardCharsets.US_ASCII),
                    Expected.error("text"));
            put(dir, out, "bomb.png", bombPng(BOMB_SIDE, BOMB_SIDE), Expected.error("decompression bomb"));
            return Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(Path dir, Map<String, Expected> out, String name, byte[] bytes, Expected e)
            throws IOException {
        Files.write(dir.resolve(name), bytes);
        out.put(name, e);
    }

    /** Four flat quadrants (red, green, blue, white) so that lossy codecs keep the colours recognisable. */
    public static BufferedImage pattern(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 2, h / 2);
        g.setColor(Color.GREEN);
        g.fillRect(w / 2, 0, w - w / 2, h / 2);
        g.setColor(Color.BLUE);
        g.fillRect(0, h / 2, w / 2, h - h / 2);
        g.setColor(Color.WHITE);
        g.fillRect(w / 2, h / 2, w - w / 2, h - h / 2);
        g.dispose();
        return img;
    }

    private static BufferedImage noise(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    private static BufferedImage palette(int w, int h) {
        byte[] r = {(byte) 255, 0, 0, (byte) 255};
        byte[] g = {0, (byte) 255, 0, (byte) 255};
        byte[] b = {0, 0, (byte) 255, (byte) 255};
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
        WritableRaster raster = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setSample(x, y, 0, (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1));
            }
        }
        return img;
    }

    /** 16 bits a channel: the quadrant pattern with every 8-bit value v stored as v*257. */
    private static BufferedImage rgb16(int w, int h) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        BufferedImage src = pattern(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = src.getRGB(x, y);
                raster.setPixel(x, y, new int[] {((rgb >> 16) & 0xFF) * 257, ((rgb >> 8) & 0xFF) * 257, (rgb & 0xFF) * 257});
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /**
     * A 4-channel JPEG as Photoshop writes them: an Adobe APP14 segment (transform 0: no colour transform)
     * and inverted CMYK samples; the quadrant pattern's CMYK (pure colours, no black).
     */
    private static byte[] cmykJpeg(int w, int h) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        BufferedImage src = pattern(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = src.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                raster.setPixel(x, y, new int[] {r, g, b, 255}); // inverted (Adobe) C, M, Y, K = 255-r, 255-g, 255-b, 0
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        return withAdobeSegment(bytes.toByteArray());
    }

    /** Inserts an APP14 "Adobe" segment, version 100, transform 0, right after SOI. */
    private static byte[] withAdobeSegment(byte[] jpeg) {
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(app14);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A 24x16 JPEG (white, red 8x8 block at the top-left as stored) with EXIF orientation 6. */
    private static byte[] exifRotatedJpeg() throws IOException {
        BufferedImage img = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 24, 16);
        g.setColor(Color.RED);
        g.fillRect(0, 0, 8, 8);
        g.dispose();
        return withExifOrientation(encode(img, "jpeg"), 6);
    }

    /** Inserts an APP1 Exif segment (big-endian TIFF, IFD0 holding only the orientation) after the JFIF APP0. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {
            'M', 'M', 0, 42, 0, 0, 0, 8,                       // header, IFD0 at offset 8
            0, 1,                                              // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // orientation, SHORT, count 1
            0, 0, 0, 0                                         // no next IFD
        };
        byte[] exif = new byte[6 + tiff.length];
        System.arraycopy("Exif\0\0".getBytes(StandardCharsets.US_ASCII), 0, exif, 0, 6);
        System.arraycopy(tiff, 0, exif, 6, tiff.length);
        int len = exif.length + 2;
        int at = 2; // after SOI; after APP0 when there is one
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            at = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, at);
        out.write(0xFF);
        out.write(0xE1);
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.write(exif, 0, exif.length);
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    /** Two frames: red then blue. The first frame is what a decoder must return. */
    private static byte[] animatedGif(int w, int h) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (Color c : new Color[] {Color.RED, Color.BLUE}) {
                BufferedImage frame = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED);
                Graphics2D g = frame.createGraphics();
                g.setColor(c);
                g.fillRect(0, 0, w, h);
                g.dispose();
                ImageTypeSpecifier type = ImageTypeSpecifier.createFromRenderedImage(frame);
                writer.writeToSequence(new IIOImage(frame, null,
                        writer.getDefaultImageMetadata(type, writer.getDefaultWriteParam())), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A well-formed PNG whose header claims {@code w x h} RGB pixels, with a tiny IDAT: a few hundred bytes. */
    public static byte[] bombPng(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // colour type RGB
        chunk(out, "IHDR", ihdr);
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1 + 3 * 16]); // one short scanline: enough to be a valid zlib stream
        deflater.finish();
        byte[] buf = new byte[256];
        int n = deflater.deflate(buf);
        deflater.end();
        chunk(out, "IDAT", Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        out.writeBytes(len);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Encodes with the JDK's own writers ("png", "jpeg", "bmp", "gif"). */
    public static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " and " + img);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
