package dvlcap.image;

/**
 * PIL's resampling filters, by their {@code Image.Resampling} codes as they appear in a Hugging Face
 * {@code preprocessor_config.json} ("resample": 3 is bicubic). Kernels and supports follow PIL's
 * {@code Resample.c}: bicubic uses a = -0.5.
 */
public enum ResampleFilter {
    NEAREST(0, 0.0),
    LANCZOS(1, 3.0),
    BILINEAR(2, 1.0),
    BICUBIC(3, 2.0),
    BOX(4, 0.5),
    HAMMING(5, 1.0);

    private final int pilCode;
    private final double support;

    ResampleFilter(int pilCode, double support) {
        this.pilCode = pilCode;
        this.support = support;
    }

    public int pilCode() {
        return pilCode;
    }

    /** Half-width of the kernel at scale 1, in input pixels. */
    public double support() {
        return support;
    }

    public static ResampleFilter fromPil(int code) {
        for (ResampleFilter f : values()) {
            if (f.pilCode == code) {
                return f;
            }
        }
        throw new IllegalArgumentException("resample " + code + " is not a PIL filter (0 nearest, 1 lanczos, "
                + "2 bilinear, 3 bicubic, 4 box, 5 hamming)");
    }

    /** The kernel's weight at distance {@code x} (in kernel units). */
    double weight(double x) {
        switch (this) {
            case BOX:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case BILINEAR:
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            case HAMMING:
                x = Math.abs(x);
                if (x == 0.0) {
                    return 1.0;
                }
                if (x >= 1.0) {
                    return 0.0;
                }
                x = x * Math.PI;
                return Math.sin(x) / x * (0.54 + 0.46 * Math.cos(x));
            case BICUBIC: {
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
            case LANCZOS:
                return x > -3.0 && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
            default:
                throw new IllegalStateException("nearest has no kernel");
        }
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        x = x * Math.PI;
        return Math.sin(x) / x;
    }
}
