package dvlcap.nn;

/** Releases backend memory held in records of weights. */
final class Closeables {
    private Closeables() {
    }

    static void closeAll(Object... items) {
        for (Object o : items) {
            if (o instanceof AutoCloseable a) {
                try {
                    a.close();
                } catch (Exception ignored) {
                    // best effort: a failed release must not hide the error that led here
                }
            }
        }
    }
}
