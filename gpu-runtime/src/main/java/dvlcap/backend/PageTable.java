package dvlcap.backend;

import java.util.Arrays;

/**
 * Where one sequence's keys and values sit in a paged KV buffer: position {@code j} is row
 * {@code pages[j / pageSize] * pageSize + j % pageSize}. A contiguous buffer is the table of one
 * page as long as the sequence.
 */
public record PageTable(int[] pages, int pageSize) {
    public PageTable {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be >= 1, got " + pageSize);
        }
        for (int p : pages) {
            if (p < 0) {
                throw new IllegalArgumentException("negative page " + p + " in " + Arrays.toString(pages));
            }
        }
    }

    /** Rows {@code 0..length-1} of a plain buffer. */
    public static PageTable contiguous(int length) {
        return new PageTable(new int[] {0}, Math.max(1, length));
    }

    /** Positions the table covers. */
    public int capacity() {
        return pages.length * pageSize;
    }

    /** The buffer row holding position {@code pos}. */
    public int row(int pos) {
        return pages[pos / pageSize] * pageSize + pos % pageSize;
    }

    /** One past the highest buffer row the table names: the buffer must have at least this many rows. */
    public long rowsSpanned() {
        int max = 0;
        for (int p : pages) {
            max = Math.max(max, p);
        }
        return ((long) max + 1) * pageSize;
    }
}
