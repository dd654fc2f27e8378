package dev.vaecuda.train;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.Replayable;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;

/**
 * The training loop over device-resident data: per epoch, a shuffled order and the step state
 * uploaded once; then per batch one step (gather, forward, backward, Adam) that reads the
 * batch's position and the step number from the device-side step state. A full batch's step is
 * recorded once and replayed (a CUDA graph on a GPU) unless {@code replaySteps} is off; the
 * last, partial batch of an epoch runs directly. The loss is read back once per epoch.
 */
public final class Trainer implements AutoCloseable {

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
    private final DeviceStepState trainState;
    private final DeviceStepState evalState;
    private final boolean replaySteps;
    private Replayable fullBatchStep;
    private long step;
    private int epochsCompleted;

    public Trainer(Backend backend, Vae vae, TrainingOptions options, DeviceImages train, DeviceImages test,
                   boolean replaySteps) {
        this.backend = backend;
        this.vae = vae;
        this.options = options;
        this.train = train;
        this.test = test;
        this.replaySteps = replaySteps;
        this.orderHost = new int[train.count()];
        this.order = backend.allocateIndices(train.count());
        this.testOrder = backend.allocateIndices(test.count());
        this.trainState = backend.allocateStepState();
        this.evalState = backend.allocateStepState();
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
        backend.setStepState(trainState, step, 0);
        int n = train.count(), batchSize = options.batchSize();
        int batches = ceilDiv(n, batchSize);
        vae.takeLossSum();
        long start = System.nanoTime();
        for (int batch = 0; batch < batches; batch++) {
            int rows = Math.min(batchSize, n - batch * batchSize);
            if (rows == batchSize && replaySteps) {
                fullBatchStep().replay();
            } else {
                trainStep(rows);
            }
            step++;
            listener.batchEnded(epoch, batch + 1, batches);
        }
        double trainLoss = vae.takeLossSum() / n;
        double seconds = (System.nanoTime() - start) / 1e9;
        epochsCompleted = epoch;
        return new EpochResult(epoch, trainLoss, evaluate(epoch), seconds, n / seconds);
    }

    private void trainStep(int rows) {
        backend.gatherBatch(train, order, options.batchSize(), rows, vae.input(), options.binarize(),
                options.seed(), RngStreams.TRAIN_BINARIZE, trainState);
        vae.trainStep(rows, options.seed(), options.learningRate(), trainState);
    }

    private Replayable fullBatchStep() {
        if (fullBatchStep == null) {
            fullBatchStep = backend.record(() -> trainStep(options.batchSize()));
        }
        return fullBatchStep;
    }

    /** The test set's loss per image, with eps keyed by the epoch so evaluation is reproducible. */
    public double evaluate(int epoch) {
        int n = test.count(), batchSize = vae.capacity();
        vae.takeLossSum();
        backend.setStepState(evalState, RngStreams.evalStart(epoch), 0);
        for (int first = 0; first < n; first += batchSize) {
            int rows = Math.min(batchSize, n - first);
            backend.gatherBatch(test, testOrder, batchSize, rows, vae.input(), options.binarize(),
                    options.seed(), RngStreams.EVAL_BINARIZE, evalState);
            vae.forward(rows, options.seed(), RngStreams.EVAL_EPS, evalState);
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

    @Override
    public void close() {
        if (fullBatchStep != null) {
            fullBatchStep.close();
        }
    }
}
