package dvlcap.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The loss and gradient of a mini-batch, examples spread over threads. Each example writes its
 * own gradient buffer; the buffers are then summed in example order, so the result is the same
 * bit for bit whatever the thread count or timing.
 */
public final class BatchGradient implements AutoCloseable {
    private final LlavaQwenModel model;
    private final ExecutorService pool;
    private final List<Parameters> buffers = new ArrayList<>();

    public BatchGradient(LlavaQwenModel model, int threads) {
        this.model = model;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "trainer-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Result of one batch: summed loss, the gradient, LM rows processed. */
    public record Result(double loss, Parameters gradient, long rows) {
    }

    public Result compute(Parameters params, List<TrainingExample> batch) {
        while (buffers.size() < batch.size()) {
            buffers.add(params.zerosLike());
        }
        List<Future<Double>> futures = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Parameters g = buffers.get(i);
            TrainingExample ex = batch.get(i);
            futures.add(pool.submit(() -> {
                g.zero();
                return ex.targets().size() == 0 ? 0.0 : model.lossAndGradient(params, g, ex);
            }));
        }
        double loss = 0;
        long rows = 0;
        Parameters total = buffers.get(0);
        for (int i = 0; i < futures.size(); i++) {
            try {
                loss += futures.get(i).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("example " + i + " failed: " + e.getCause(), e.getCause());
            }
            rows += batch.get(i).input().length();
            if (i > 0) {
                total.addFrom(buffers.get(i));
            }
        }
        return new Result(loss, total, rows);
    }

    /** Losses only (evaluation), in example order. */
    public double loss(Parameters params, List<TrainingExample> batch) {
        List<Future<Double>> futures = new ArrayList<>();
        for (TrainingExample ex : batch) {
            futures.add(pool.submit(() -> ex.targets().size() == 0 ? 0.0 : model.loss(params, ex)));
        }
        double loss = 0;
        for (Future<Double> f : futures) {
            try {
                loss += f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("evaluation failed: " + e.getCause(), e.getCause());
            }
        }
        return loss;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
