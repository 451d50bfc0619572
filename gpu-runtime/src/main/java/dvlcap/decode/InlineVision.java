package dvlcap.decode;

import dvlcap.backend.Tensor;
import dvlcap.nn.VisionEncoder;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Encodes each image when admission takes its job, on the scheduler's thread: the choice for
 * backends whose tensors cannot be made on another thread (a device context), where the vision
 * tower shares the decoder's memory and its out-of-memory rule.
 */
final class InlineVision implements VisionQueue {
    private final VisionEncoder vision;
    private final Deque<Scheduler.Job> jobs = new ArrayDeque<>();

    InlineVision(VisionEncoder vision) {
        this.vision = vision;
    }

    @Override
    public void add(Scheduler.Job job) {
        jobs.add(job);
    }

    @Override
    public void addFirst(Scheduler.Job job) {
        jobs.addFirst(job);
    }

    @Override
    public Scheduler.Job peek() {
        return jobs.peek();
    }

    @Override
    public Scheduler.Job poll() {
        return jobs.poll();
    }

    @Override
    public boolean isEmpty() {
        return jobs.isEmpty();
    }

    @Override
    public int size() {
        return jobs.size();
    }

    @Override
    public boolean headReady(boolean block) {
        return !jobs.isEmpty();
    }

    @Override
    public Encoded take() {
        Scheduler.Job job = jobs.remove();
        if (job.image() == null) {
            return new Encoded(null, 0);
        }
        if (vision == null) {
            throw new IllegalArgumentException("this engine has no vision tower");
        }
        long t0 = System.nanoTime();
        Tensor image = vision.encode(job.image());
        return new Encoded(image, (System.nanoTime() - t0) / 1e6);
    }

    @Override
    public void close() {
        jobs.clear();
    }
}
