package dev.vaecuda.train;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;

/**
 * The training loop over device-resident data: per epoch, a shuffled order uploaded once,
 * batches gathered on the device, one {@link Vae#trainStep} each; the loss is read back once
 * per epoch. Counts Adam updates in {@code step}, which also keys the RNG.
 */
public final class Trainer {

    /** Told after every batch, e.g. to draw a progress bar. */
    @FunctionalInterface
    public interface BatchListener {
        void batchEnded(int epoch, int batch, int batches);
    }

    private final Backend backend;
    private final Vae vae;
    private final TrainingOptions options;
    private final DeviceImages train;
    private final DeviceImages test;
    private final int[] orderHost;
    private final DeviceIndices order;
    private final DeviceIndices testOrder;
    private long step;
    private int epochsCompleted;

    public Trainer(Backend backend, Vae vae, TrainingOptions options, DeviceImages train, DeviceImages test) {
        this.backend = backend;
        this.vae = vae;
        this.options = options;
        this.train = train;
        this.test = test;
        this.orderHost = new int[train.count()];
        this.order = backend.allocateIndices(train.count());
        this.testOrder = backend.allocateIndices(test.count());
        int[] identity = new int[test.count()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        backend.upload(identity, testOrder);
    }

    public long step() {
        return step;
    }

    public int epochsCompleted() {
        return epochsCompleted;
    }

    /** Trains one epoch, then evaluates on the test set. */
    public EpochResult trainEpoch(BatchListener listener) {
        int epoch = epochsCompleted + 1;
        EpochOrder.shuffle(options.seed(), epoch, orderHost);
        backend.upload(orderHost, order);
        int n = train.count(), batchSize = options.batchSize();
        int batches = ceilDiv(n, batchSize);
        vae.takeLossSum();
        long start = System.nanoTime();
        for (int batch = 0; batch < batches; batch++) {
            int first = batch * batchSize, rows = Math.min(batchSize, n - first);
            step++;
            backend.gatherBatch(train, order, first, rows, vae.input(), options.binarize(),
                    options.seed(), RngStreams.TRAIN_BINARIZE, step);
            vae.trainStep(rows, options.seed(), step, options.learningRate());
            listener.batchEnded(epoch, batch + 1, batches);
        }
        double trainLoss = vae.takeLossSum() / n;
        double seconds = (System.nanoTime() - start) / 1e9;
        epochsCompleted = epoch;
        return new EpochResult(epoch, trainLoss, evaluate(epoch), seconds, n / seconds);
    }

    /** The test set's loss per image, with eps keyed by the epoch so evaluation is reproducible. */
    public double evaluate(int epoch) {
        int n = test.count(), batchSize = vae.capacity();
        vae.takeLossSum();
        for (int batch = 0, first = 0; first < n; batch++, first += batchSize) {
            int rows = Math.min(batchSize, n - first);
            long counter = RngStreams.evalCounter(epoch, batch);
            backend.gatherBatch(test, testOrder, first, rows, vae.input(), options.binarize(),
                    options.seed(), RngStreams.EVAL_BINARIZE, counter);
            vae.forward(rows, options.seed(), RngStreams.EVAL_EPS, counter);
        }
        return vae.takeLossSum() / n;
    }

    public Checkpoint checkpoint(RunConfig config) {
        int p = vae.parameterCount();
        float[] params = new float[p], m = new float[p], v = new float[p];
        backend.download(vae.parameters(), params);
        backend.download(vae.adam().firstMoment(), m);
        backend.download(vae.adam().secondMoment(), v);
        return new Checkpoint(config, step, epochsCompleted, 0, 0.0, params, m, v);
    }

    /** Continues from a checkpoint taken at an epoch boundary by a run of the same model. */
    public void restore(Checkpoint checkpoint) {
        backend.upload(checkpoint.parameters(), vae.parameters());
        backend.upload(checkpoint.firstMoment(), vae.adam().firstMoment());
        backend.upload(checkpoint.secondMoment(), vae.adam().secondMoment());
        step = checkpoint.step();
        epochsCompleted = checkpoint.epochsCompleted();
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
