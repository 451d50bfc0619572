package dvlcap.decode;

import dvlcap.backend.Tensor;
import dvlcap.nn.VisionEncoder;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Encodes images on a thread of its own ahead of admission, so that decoding never waits for the
 * vision tower while it has sequences to run (DESIGN.md §4).
 *
 * <p>The rule: the worker encodes the earliest job in queue order that has no image yet, as long as
 * it holds fewer than {@code capacity} images (the one being encoded included). When it is full
 * and that earliest job comes before an image it holds (a job put back at the front), it frees the
 * latest such image to make room; so it always holds the images of the jobs admission will take
 * first, and the head of the queue is always encoded eventually (no deadlock, whatever was put
 * back). Images taken by admission no longer count: they belong to running sequences.
 */
final class VisionWorker implements VisionQueue {
    private enum State { TODO, ENCODING, DONE }

    private static final class Entry {
        final Scheduler.Job job;
        State state;
        Tensor image;
        Throwable failure;
        double ms;
        /** Taken or dropped while being encoded: the worker frees the result. */
        boolean removed;

        Entry(Scheduler.Job job) {
            this.job = job;
            this.state = job.image() == null ? State.DONE : State.TODO; // nothing to encode
        }

        /** Whether this entry takes one of the worker's places. */
        boolean holds() {
            return state != State.TODO && job.image() != null;
        }
    }

    /** What the worker does next: encode {@code next}, after freeing {@code evict} if not null. */
    private record Plan(Entry next, Entry evict) {
    }

    private final VisionEncoder vision;
    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Thread thread;
    /** Places taken: entries being encoded or encoded and not yet taken, removed ones included until freed. */
    private int held;
    private int peakHeld;
    private boolean closed;
    private boolean workerWaiting;

    VisionWorker(VisionEncoder vision, int capacity) {
        if (vision == null) {
            throw new IllegalArgumentException("no vision tower to encode with");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("vision queue capacity must be >= 1, got " + capacity);
        }
        this.vision = vision;
        this.capacity = capacity;
        this.thread = new Thread(this::run, "dvlcap-vision");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void add(Scheduler.Job job) {
        entries.addLast(new Entry(job));
        notifyAll();
    }

    @Override
    public synchronized void addFirst(Scheduler.Job job) {
        entries.addFirst(new Entry(job));
        notifyAll();
    }

    @Override
    public synchronized Scheduler.Job peek() {
        Entry e = entries.peek();
        return e == null ? null : e.job;
    }

    @Override
    public synchronized Scheduler.Job poll() {
        Entry e = entries.poll();
        if (e == null) {
            return null;
        }
        e.removed = true;
        if (e.state == State.DONE && e.holds()) {
            free(e);
            held--;
        }
        notifyAll();
        return e.job;
    }

    @Override
    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized boolean headReady(boolean block) {
        boolean interrupted = false;
        while (!entries.isEmpty() && entries.peek().state != State.DONE) {
            if (!block) {
                return false;
            }
            interrupted |= awaitChange();
        }
        restoreInterrupt(interrupted);
        return !entries.isEmpty();
    }

    @Override
    public synchronized Encoded take() {
        if (!headReady(true)) {
            throw new java.util.NoSuchElementException("no job waiting");
        }
        Entry e = entries.poll();
        e.removed = true;
        if (e.holds()) {
            held--;
        }
        notifyAll();
        if (e.failure instanceof RuntimeException r) {
            throw r;
        }
        if (e.failure instanceof Error err) {
            throw err;
        }
        if (e.failure != null) {
            throw new IllegalStateException(e.failure);
        }
        return new Encoded(e.image, e.ms);
    }

    /** Most images this queue ever held at once (tests: the bound). */
    synchronized int peakHeld() {
        return peakHeld;
    }

    /** Waits until the worker has nothing it may do now (tests: a point where its state is settled). */
    synchronized void awaitIdle() {
        boolean interrupted = false;
        while (!closed && !(workerWaiting && plan() == null)) {
            interrupted |= awaitChange();
        }
        restoreInterrupt(interrupted);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join(); // an encode in progress finishes first: the tower cannot be stopped midway
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        synchronized (this) {
            for (Entry e; (e = entries.poll()) != null; ) {
                if (e.state == State.DONE && e.holds()) {
                    free(e);
                    held--;
                }
            }
        }
        restoreInterrupt(interrupted);
    }

    private void run() {
        while (true) {
            Entry e;
            synchronized (this) {
                Plan p;
                while (!closed && (p = plan()) == null) {
                    workerWaiting = true;
                    notifyAll();
                    awaitChange(); // nothing interrupts this thread but close, which sets closed
                    workerWaiting = false;
                }
                if (closed) {
                    return;
                }
                p = plan();
                if (p.evict() != null) {
                    free(p.evict());
                    p.evict().state = State.TODO;
                    held--;
                }
                e = p.next();
                e.state = State.ENCODING;
                held++;
                peakHeld = Math.max(peakHeld, held);
            }
            Tensor image = null;
            Throwable failure = null;
            long t0 = System.nanoTime();
            try {
                image = vision.encode(e.job.image());
            } catch (Throwable t) {
                // a bad image fails its own caption; an Error reaches the scheduler's thread on take
                failure = t;
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            synchronized (this) {
                if (e.removed || closed) {
                    if (image != null) {
                        image.close();
                    }
                    held--;
                } else {
                    e.state = State.DONE;
                    e.image = image;
                    e.failure = failure;
                    e.ms = ms;
                }
                notifyAll();
            }
        }
    }

    /**
     * The next encode, or null when there is none to do or no room. Scans only as far as the
     * earliest job without an image and the images held (these sit near the front).
     */
    private Plan plan() {
        Entry first = null, evict = null;
        int seen = 0;
        for (Entry e : entries) {
            if (first != null && seen >= held) {
                break; // nothing held further on
            }
            if (e.state == State.TODO) {
                if (first == null) {
                    first = e;
                }
            } else if (e.holds()) {
                seen++;
                if (first != null && e.state == State.DONE) {
                    evict = e; // the latest image held behind the earliest job without one
                }
            }
        }
        if (first == null) {
            return null;
        }
        if (held < capacity) {
            return new Plan(first, null);
        }
        return evict == null ? null : new Plan(first, evict);
    }

    private static void free(Entry e) {
        if (e.image != null) {
            e.image.close();
            e.image = null;
        }
        e.failure = null;
    }

    /**
     * Waits for a change of state. An interrupt is not acted on (an encode ends soon): it is
     * reported so that the caller sets the flag again once it stops waiting.
     */
    private boolean awaitChange() {
        try {
            wait();
            return false;
        } catch (InterruptedException ie) {
            return true;
        }
    }

    private static void restoreInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
