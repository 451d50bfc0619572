package dvlcap.image;

import java.awt.image.BufferedImage;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * GIF geometry: a GIF has a logical screen, and its first frame may cover only part of it at an offset.
 * ImageIO returns the frame alone; PIL (and so a Hugging Face pipeline) shows the frame on the screen.
 * We place the first frame on a black screen of the logical size; later frames are ignored.
 */
final class GifCanvas {
    private static final String STREAM_FORMAT = "javax_imageio_gif_stream_1.0";
    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";

    /** Screen size and where frame 0 sits on it. */
    record Layout(int screenWidth, int screenHeight, int left, int top) {
    }

    private GifCanvas() {
    }

    /** The layout from the reader's metadata, or null when the metadata says nothing usable. */
    static Layout layout(ImageReader reader) throws java.io.IOException {
        IIOMetadata stream = reader.getStreamMetadata();
        IIOMetadata image = reader.getImageMetadata(0);
        if (stream == null || image == null) {
            return null;
        }
        Node screen = child(stream.getAsTree(STREAM_FORMAT), "LogicalScreenDescriptor");
        Node frame = child(image.getAsTree(IMAGE_FORMAT), "ImageDescriptor");
        if (screen == null || frame == null) {
            return null;
        }
        return new Layout(intAttr(screen, "logicalScreenWidth"), intAttr(screen, "logicalScreenHeight"),
                intAttr(frame, "imageLeftPosition"), intAttr(frame, "imageTopPosition"));
    }

    /** Frame 0 (already RGB) placed on the logical screen; the frame itself when it covers the screen exactly. */
    static BufferedImage place(BufferedImage frame, Layout l) {
        if (l == null || l.screenWidth() <= 0 || l.screenHeight() <= 0
                || (l.left() == 0 && l.top() == 0 && frame.getWidth() == l.screenWidth()
                && frame.getHeight() == l.screenHeight())) {
            return frame;
        }
        BufferedImage screen = new BufferedImage(l.screenWidth(), l.screenHeight(), BufferedImage.TYPE_INT_RGB);
        int x0 = Math.max(0, l.left());
        int y0 = Math.max(0, l.top());
        int w = Math.min(frame.getWidth(), l.screenWidth() - x0);
        int h = Math.min(frame.getHeight(), l.screenHeight() - y0);
        if (w > 0 && h > 0) {
            int[] rows = frame.getRGB(0, 0, w, h, null, 0, w);
            screen.setRGB(x0, y0, w, h, rows, 0, w);
        }
        return screen;
    }

    private static Node child(Node root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (name.equals(n.getNodeName())) {
                return n;
            }
        }
        return null;
    }

    private static int intAttr(Node n, String name) {
        NamedNodeMap attrs = n.getAttributes();
        Node a = attrs == null ? null : attrs.getNamedItem(name);
        if (a == null) {
            return -1;
        }
        try {
            return Integer.parseInt(a.getNodeValue());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
