package dvlcap.model;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header, already validated.
 *
 * @param begin byte offset of the first element, relative to the start of the data section
 * @param end byte offset one past the last element
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        return Shapes.numel(shape);
    }

    public long byteSize() {
        return end - begin;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @" + begin + ".." + end;
    }
}
