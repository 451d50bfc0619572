package dvlcap.trainer.corpus;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Draws scenes as 64x64 RGB images with antialiased Java2D fills. Rendering uses no fonts,
 * no randomness and no system state, so the same scene gives the same pixels, and
 * {@link #png} the same bytes (ImageIO's PNG writer stores no timestamp).
 */
public final class SceneRenderer {

    public static final int SIZE = 64;

    /** Renders a scene to a new image. */
    public BufferedImage render(Scene scene) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(scene.background().rgb());
            g.fillRect(0, 0, SIZE, SIZE);
            for (SceneObject o : scene.objects()) {
                g.setColor(o.colour().rgb());
                g.fill(outline(o));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Renders a scene as PNG bytes. */
    public byte[] png(Scene scene) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        try {
            if (!ImageIO.write(render(scene), "png", out)) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The shape's outline centred in its cell. */
    static Shape outline(SceneObject o) {
        double cell = SIZE / 3.0;
        double cx = (o.cell().column().ordinal() + 0.5) * cell;
        double cy = (o.cell().row().ordinal() + 0.5) * cell;
        double r = o.size().halfExtent();
        return switch (o.shape()) {
            case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            // Slightly smaller than the circle so the two read as the same size.
            case SQUARE -> new Rectangle2D.Double(cx - 0.85 * r, cy - 0.85 * r, 1.7 * r, 1.7 * r);
            case TRIANGLE -> polygon(cx, cy + 0.15 * r, r * 1.1, 3, 0.0, 0.0);
            case DIAMOND -> polygon(cx, cy, r, 4, 0.0, 0.0);
            case STAR -> polygon(cx, cy + 0.05 * r, r * 1.05, 5, 0.45, 0.0);
            case CROSS -> cross(cx, cy, r);
        };
    }

    /**
     * A regular polygon with {@code points} vertices, the first straight up; with
     * {@code innerRatio} > 0 a star whose inner vertices lie at that fraction of the radius.
     */
    private static Shape polygon(double cx, double cy, double r, int points, double innerRatio, double phase) {
        Path2D.Double p = new Path2D.Double();
        int steps = innerRatio > 0 ? 2 * points : points;
        for (int i = 0; i < steps; i++) {
            double radius = innerRatio > 0 && i % 2 == 1 ? r * innerRatio : r;
            double angle = phase - Math.PI / 2 + 2 * Math.PI * i / steps;
            double x = cx + radius * Math.cos(angle);
            double y = cy + radius * Math.sin(angle);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private static Shape cross(double cx, double cy, double r) {
        double arm = 0.34 * r;
        Area a = new Area(new Rectangle2D.Double(cx - r, cy - arm, 2 * r, 2 * arm));
        a.add(new Area(new Rectangle2D.Double(cx - arm, cy - r, 2 * arm, 2 * r)));
        return a;
    }
}
