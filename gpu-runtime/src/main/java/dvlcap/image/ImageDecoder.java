package dvlcap.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.IIORegistry;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes encoded image bytes (PNG, JPEG incl. progressive and CMYK/YCCK, GIF, BMP, WebP, and whatever
 * else ImageIO has a plugin for) into an upright 8-bit sRGB {@code TYPE_INT_RGB} image.
 *
 * <p>Every failure ends in {@link ImageDecodeException} (unchecked) with a message that says what is
 * wrong and, when the bytes were recognised, in which format; no other exception type escapes.
 * <ul>
 * <li>Decompression bombs: the header's width x height is checked against {@link #maxPixels()} before
 *     any pixel is read (default {@value #DEFAULT_MAX_PIXELS}, PIL's {@code MAX_IMAGE_PIXELS}).</li>
 * <li>Truncation: ImageIO's JPEG decoder pads a truncated file with gray and only warns; a warning that
 *     says the data ended early is an error here (as PIL's "image file is truncated"). Other warnings
 *     (e.g. extraneous bytes before a marker) are tolerated, as PIL tolerates them.</li>
 * <li>Hangs: a watchdog aborts a decode that runs longer than the timeout (default 60 s).</li>
 * <li>Colour: see {@link RgbConversion} (alpha dropped keeping the colour under it, as PIL's
 *     {@code convert('RGB')}); JPEG EXIF orientation is applied ({@link ExifOrientation}); an animated
 *     GIF gives its first frame.</li>
 * </ul>
 * Thread-safe: each call uses its own ImageIO reader.
 */
public final class ImageDecoder {
    /** PIL's {@code Image.MAX_IMAGE_PIXELS}: about a quarter gigabyte at 3 bytes a pixel. */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final ScheduledExecutorService WATCHDOG = watchdog();

    static {
        registerPlugins();
    }

    private final long maxPixels;
    private final Duration timeout;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS, DEFAULT_TIMEOUT);
    }

    public ImageDecoder(long maxPixels) {
        this(maxPixels, DEFAULT_TIMEOUT);
    }

    public ImageDecoder(long maxPixels, Duration timeout) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.maxPixels = maxPixels;
        this.timeout = timeout;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public Duration timeout() {
        return timeout;
    }

    public BufferedImage decode(byte[] bytes) {
        return decode(bytes, null);
    }

    /**
     * @param name how messages name the input (a path or id); may be null
     * @throws ImageDecodeException for every input that does not give an image
     */
    public BufferedImage decode(byte[] bytes, String name) {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException(name, null, "is empty (0 bytes), not an image");
        }
        String format = null;
        ImageReader reader = null;
        ScheduledFuture<?> alarm = null;
        AtomicBoolean timedOut = new AtomicBoolean();
        try {
            ImageInputStream in = new ByteArrayImageInputStream(bytes);
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(name, null, unrecognised(bytes));
            }
            reader = readers.next();
            format = reader.getFormatName().toLowerCase(Locale.ROOT);
            reader.setInput(in, true, false);

            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            GifCanvas.Layout gif = format.equals("gif") ? GifCanvas.layout(reader) : null;
            checkSize(name, format, w, h);
            if (gif != null && gif.screenWidth() > 0 && gif.screenHeight() > 0) {
                checkSize(name, format, gif.screenWidth(), gif.screenHeight());
            }

            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener(warningsInto(warnings));
            ImageReader toAbort = reader;
            alarm = WATCHDOG.schedule(() -> {
                timedOut.set(true);
                toAbort.abort();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            BufferedImage decoded = reader.read(0);
            alarm.cancel(false);
            if (timedOut.get()) {
                throw new ImageDecodeException(name, format, "took longer than " + timeout.toSeconds()
                        + " s to decode; aborted");
            }
            if (decoded == null) {
                throw new ImageDecodeException(name, format, "decoder returned no image");
            }
            for (String warning : warnings) {
                if (meansTruncated(warning)) {
                    throw new ImageDecodeException(name, format, "is truncated or corrupt: " + warning);
                }
            }
            BufferedImage rgb = RgbConversion.toRgb(decoded);
            if (gif != null) {
                rgb = GifCanvas.place(rgb, gif);
            }
            if (format.equals("jpeg") || format.equals("jpg")) {
                rgb = ExifOrientation.apply(rgb, ExifOrientation.readJpeg(bytes));
            }
            return rgb;
        } catch (ImageDecodeException e) {
            throw e;
        } catch (EOFException e) {
            throw new ImageDecodeException(name, format, "is truncated (data ended early)", e);
        } catch (IOException e) {
            if (endedEarly(e) || lacksTrailer(format, bytes)) {
                throw new ImageDecodeException(name, format, "is truncated (data ended early): " + describe(e), e);
            }
            throw new ImageDecodeException(name, format, "is corrupt: " + describe(e), e);
        } catch (RuntimeException e) {
            if (lacksTrailer(format, bytes)) {
                throw new ImageDecodeException(name, format, "is truncated (no end marker): " + describe(e), e);
            }
            // Plugins signal bad data with all kinds of unchecked exceptions (index out of bounds,
            // illegal argument, CMM errors): all mean the bytes are not a usable image.
            throw new ImageDecodeException(name, format, "is corrupt: " + describe(e), e);
        } catch (OutOfMemoryError e) {
            // One oversized allocation under the pixel limit must not take the executor down with it.
            throw new ImageDecodeException(name, format, "needs more memory than is available to decode", e);
        } catch (StackOverflowError e) {
            throw new ImageDecodeException(name, format, "is corrupt: decoder recursed too deeply", e);
        } finally {
            if (alarm != null) {
                alarm.cancel(false);
            }
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    private void checkSize(String name, String format, int w, int h) {
        if (w <= 0 || h <= 0) {
            throw new ImageDecodeException(name, format, "has invalid dimensions " + w + "x" + h);
        }
        long pixels = (long) w * h;
        if (pixels > maxPixels) {
            throw new ImageDecodeException(name, format, "is " + w + "x" + h + " = " + pixels
                    + " pixels, over the limit of " + maxPixels + " pixels (possible decompression bomb)");
        }
    }

    private static boolean meansTruncated(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("truncat") || w.contains("premature end") || w.contains("missing eoi")
                || w.contains("end of file") || w.contains("eof");
    }

    private static IIOReadWarningListener warningsInto(List<String> warnings) {
        return (source, warning) -> warnings.add(warning == null ? "(no message)" : warning);
    }

    /**
     * Whether a file that failed to decode also lacks its format's end marker (PNG IEND chunk, JPEG EOI,
     * GIF trailer): then it was most likely cut short, which is a more useful message than the plugin's.
     * Only consulted after a failure, so trailing garbage after a good image stays acceptable.
     */
    static boolean lacksTrailer(String format, byte[] b) {
        if (format == null) {
            return false;
        }
        int n = b.length;
        return switch (format) {
            case "png" -> n < 12 || !(b[n - 8] == 'I' && b[n - 7] == 'E' && b[n - 6] == 'N' && b[n - 5] == 'D');
            case "jpeg", "jpg" -> n < 2 || !((b[n - 2] & 0xFF) == 0xFF && (b[n - 1] & 0xFF) == 0xD9);
            case "gif" -> n < 1 || b[n - 1] != 0x3B;
            default -> false;
        };
    }

    /** Whether an EOF (the stream ran out) lies anywhere in the cause chain: the file is cut short. */
    private static boolean endedEarly(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    /** The messages along the cause chain ("Error reading PNG metadata: Invalid chunk length 27760"). */
    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 4; t = t.getCause() == t ? null : t.getCause(), depth++) {
            String m = t.getMessage();
            if (m == null || m.isBlank()) {
                m = t.getClass().getSimpleName();
            }
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.toString();
    }

    /** Why no plugin took the bytes, with a hint at what they are. */
    private static String unrecognised(byte[] bytes) {
        int n = Math.min(bytes.length, 64);
        boolean text = true;
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xFF;
            if (c < 0x09 || (c > 0x0D && c < 0x20) || c == 0x7F) {
                text = false;
                break;
            }
        }
        if (text) {
            String start = new String(bytes, 0, Math.min(bytes.length, 24), StandardCharsets.ISO_8859_1).strip();
            return "is not an image: it looks like text (\"" + start.replaceAll("\\s+", " ") + "\")";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 8); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return "is not a recognised image format (" + bytes.length + " bytes starting " + hex + ")";
    }

    private static ScheduledExecutorService watchdog() {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dvlcap-image-decode-watchdog");
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        return ex;
    }

    /**
     * Registers the TwelveMonkeys readers explicitly: ImageIO scans the classpath once, with the context
     * class loader of whoever touched it first, which on a Spark executor may not see the user's jars.
     */
    private static void registerPlugins() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        registry.registerServiceProvider(new com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi());
        registry.registerServiceProvider(new com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi());
    }
}
