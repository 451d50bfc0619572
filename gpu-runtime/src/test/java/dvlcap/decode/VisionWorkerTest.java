package dvlcap.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dvlcap.backend.Tensor;
import dvlcap.image.VisionInput;
import dvlcap.nn.InputRows;
import dvlcap.nn.VisionEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The images encoded ahead: in queue order, never more held than the capacity, all freed on every path. */
@Timeout(60)
class VisionWorkerTest {

    /** A tensor that remembers which job it was made for and whether it was closed. */
    static final class Image implements Tensor {
        final String job;
        final AtomicInteger closes = new AtomicInteger();

        Image(String job) {
            this.job = job;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** An encoder of fake images: the pixel array's first value names the job; fails or blocks on request. */
    static final class FakeEncoder implements VisionEncoder {
        final List<Image> made = java.util.Collections.synchronizedList(new ArrayList<>());
        final Set<String> bad = ConcurrentHashMap.newKeySet();
        volatile String blockOn;
        final CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        volatile Error fatal;

        @Override
        public int tokens(VisionInput image) {
            return 1;
        }

        @Override
        public Tensor encode(VisionInput image) {
            String job = "img" + (int) image.pixels()[0];
            if (job.equals(blockOn)) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (fatal != null) {
                throw fatal;
            }
            if (bad.contains(job)) {
                throw new IllegalArgumentException(job + " is corrupt");
            }
            Image im = new Image(job);
            made.add(im);
            return im;
        }

        /** Images made and neither closed nor handed out in {@code taken}. */
        int heldBesides(List<Tensor> taken) {
            synchronized (made) {
                return (int) made.stream().filter(m -> m.closes.get() == 0 && !taken.contains(m)).count();
            }
        }

        int unclosed() {
            synchronized (made) {
                return (int) made.stream().filter(m -> m.closes.get() == 0).count();
            }
        }

        @Override
        public void close() {
        }
    }

    static Scheduler.Job job(int i) {
        return new Scheduler.Job("img" + i, new int[] {InputRows.IMAGE, 5}, VisionInput.tile(new float[] {i}), null);
    }

    @Test
    void holdsAtMostItsCapacityAndHandsImagesOutInQueueOrder() {
        FakeEncoder enc = new FakeEncoder();
        List<Tensor> taken = new ArrayList<>();
        try (VisionWorker q = new VisionWorker(enc, 3)) {
            for (int i = 0; i < 10; i++) {
                q.add(job(i));
            }
            q.awaitIdle();
            assertEquals(3, enc.made.size(), "the worker stops when it holds three images");
            assertEquals(3, enc.heldBesides(taken));
            for (int i = 0; i < 4; i++) {
                assertTrue(q.headReady(false));
                Scheduler.Job head = q.peek();
                VisionQueue.Encoded e = q.take();
                assertEquals(head.id(), ((Image) e.image()).job, "the image is the one made for the head job");
                assertEquals("img" + i, head.id(), "jobs come out in the order they went in");
                taken.add(e.image());
                q.awaitIdle();
                assertEquals(3, enc.heldBesides(taken), "a taken image frees one place, and only one");
            }
            // a job put back at the front comes out first, while the worker still holds only three
            q.addFirst(job(99));
            q.awaitIdle();
            assertEquals(3, enc.heldBesides(taken), "making room for the front job freed one held behind it");
            List<String> order = new ArrayList<>();
            while (!q.isEmpty()) {
                VisionQueue.Encoded e = q.take();
                order.add(((Image) e.image()).job);
                taken.add(e.image());
                q.awaitIdle();
                assertTrue(enc.heldBesides(taken) <= 3, "held " + enc.heldBesides(taken));
            }
            assertEquals(List.of("img99", "img4", "img5", "img6", "img7", "img8", "img9"), order);
            assertEquals(3, q.peakHeld());
        }
        assertEquals(taken.size(), enc.unclosed(), "only images handed out are left open, for their owner");
    }

    @Test
    void aCorruptImageFailsOnlyItsOwnJobInItsPlace() {
        FakeEncoder enc = new FakeEncoder();
        enc.bad.add("img1");
        try (VisionWorker q = new VisionWorker(enc, 2)) {
            for (int i = 0; i < 3; i++) {
                q.add(job(i));
            }
            assertEquals("img0", ((Image) q.take().image()).job);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, q::take);
            assertTrue(e.getMessage().contains("img1"), e.getMessage());
            assertEquals("img2", ((Image) q.take().image()).job);
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void anErrorWhileEncodingReachesTheSchedulersThread() {
        FakeEncoder enc = new FakeEncoder();
        enc.fatal = new OutOfMemoryError("test: heap gone in the vision tower");
        try (VisionWorker q = new VisionWorker(enc, 2)) {
            q.add(job(0));
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, q::take);
            assertSame(enc.fatal, e);
        }
    }

    @Test
    void dropAndCloseFreeEveryImageHeldOrBeingEncoded() throws InterruptedException {
        FakeEncoder enc = new FakeEncoder();
        enc.blockOn = "img3";
        VisionWorker q = new VisionWorker(enc, 4);
        for (int i = 0; i < 6; i++) {
            q.add(job(i));
        }
        assertTrue(enc.entered.await(30, TimeUnit.SECONDS), "the worker reached the blocking image");
        q.poll(); // img0, encoded and held: freed now
        assertEquals(2, enc.unclosed());
        q.poll(); // img1
        q.poll(); // img2
        q.poll(); // img3, being encoded: freed when the encode ends
        enc.release.countDown();
        q.awaitIdle();
        assertEquals(2, enc.unclosed(), "img4 and img5 are held; img3 was freed as its encode ended");
        q.close();
        assertEquals(0, enc.unclosed(), "close freed the images still held");
        assertTrue(q.isEmpty());
    }

    @Test
    void closeWhileEncodingWaitsForTheEncodeAndFreesItsImage() throws InterruptedException {
        FakeEncoder enc = new FakeEncoder();
        enc.blockOn = "img0";
        VisionWorker q = new VisionWorker(enc, 2);
        q.add(job(0));
        assertTrue(enc.entered.await(30, TimeUnit.SECONDS));
        Thread closer = new Thread(q::close);
        closer.start();
        enc.release.countDown();
        closer.join();
        assertEquals(1, enc.made.size());
        assertEquals(0, enc.unclosed());
    }
}
