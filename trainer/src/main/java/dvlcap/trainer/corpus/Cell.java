package dvlcap.trainer.corpus;

import java.util.Locale;

/**
 * A cell of the 3x3 grid a scene is laid out on. Cells compare in reading order (top row
 * first, left to right), the order in which captions list objects.
 */
public record Cell(Row row, Column column) implements Comparable<Cell> {

    /** Grid rows, top to bottom. */
    public enum Row {
        TOP, MIDDLE, BOTTOM;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Grid columns, left to right. */
    public enum Column {
        LEFT, CENTER, RIGHT;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Cell {
        if (row == null || column == null) {
            throw new IllegalArgumentException("a cell needs a row and a column");
        }
    }

    /** 0..8 in reading order. */
    public int index() {
        return row.ordinal() * 3 + column.ordinal();
    }

    /** The cell with the given reading-order index. */
    public static Cell of(int index) {
        return new Cell(Row.values()[index / 3], Column.values()[index % 3]);
    }

    @Override
    public int compareTo(Cell o) {
        return Integer.compare(index(), o.index());
    }
}
