package dvlcap.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dvlcap.testing.BadImages;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExifOrientationTest {
    static final byte[] JPEG = BadImages.encode(BadImages.pattern(8, 8, BufferedImage.TYPE_INT_RGB), "jpeg");

    @Test
    void readsBigEndianOrientation() {
        for (int o = 1; o <= 8; o++) {
            assertEquals(o, ExifOrientation.readJpeg(BadImages.withExifOrientation(JPEG, o)));
        }
    }

    @Test
    void readsLittleEndianOrientation() {
        byte[] seg = {(byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0,
            'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0};
        byte[] jpeg = new byte[2 + seg.length + JPEG.length - 2];
        System.arraycopy(JPEG, 0, jpeg, 0, 2);
        System.arraycopy(seg, 0, jpeg, 2, seg.length);
        System.arraycopy(JPEG, 2, jpeg, 2 + seg.length, JPEG.length - 2);
        assertEquals(8, ExifOrientation.readJpeg(jpeg));
    }

    @Test
    void missingOrBrokenExifMeansUpright() {
        assertEquals(1, ExifOrientation.readJpeg(JPEG));
        assertEquals(1, ExifOrientation.readJpeg(new byte[0]));
        assertEquals(1, ExifOrientation.readJpeg(BadImages.withExifOrientation(JPEG, 9)), "out of range");
        byte[] withExif = BadImages.withExifOrientation(JPEG, 6);
        int at = indexOf(withExif, (byte) 'M');
        for (int cut = 0; cut < at + 30; cut++) {
            ExifOrientation.readJpeg(Arrays.copyOf(withExif, cut)); // never throws
        }
        byte[] badOffset = withExif.clone();
        badOffset[at + 7] = 0x70; // IFD0 offset far past the segment
        assertEquals(1, ExifOrientation.readJpeg(badOffset));
    }

    @Test
    void rotationsComposeToIdentity() {
        BufferedImage im = PilResizeTest.pattern(5, 3);
        BufferedImage back = ExifOrientation.apply(ExifOrientation.apply(im, 6), 8);
        assertEquals(Arrays.toString(PilResize.pixels(im)), Arrays.toString(PilResize.pixels(back)));
        BufferedImage twice = ExifOrientation.apply(ExifOrientation.apply(im, 3), 3);
        assertEquals(Arrays.toString(PilResize.pixels(im)), Arrays.toString(PilResize.pixels(twice)));
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v && i + 1 < b.length && b[i + 1] == v) {
                return i;
            }
        }
        return -1;
    }
}
