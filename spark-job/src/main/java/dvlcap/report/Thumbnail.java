package dvlcap.report;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

/** A small PNG of an image, as a {@code data:} URI for an inline {@code <img>}. */
public final class Thumbnail {

    private Thumbnail() {
    }

    /**
     * The image scaled so that its longer side is at most {@code maxSide} pixels (never enlarged),
     * or empty when the bytes are not an image Java can decode (the report shows a placeholder).
     */
    public static Optional<String> dataUri(byte[] imageBytes, int maxSide) {
        BufferedImage src;
        try {
            src = ImageIO.read(new ByteArrayInputStream(imageBytes));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (src == null || src.getWidth() <= 0 || src.getHeight() <= 0) {
            return Optional.empty();
        }
        double scale = Math.min(1.0, (double) maxSide / Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(src.getHeight() * scale));
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(dst, "png", out);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of("data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray()));
    }
}
