package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.ReplayedStep;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;
import java.util.Optional;

/**
 * The training loop over device-resident data: per epoch, a shuffled order and the step state
 * uploaded once; then per batch one step (gather, forward, backward, Adam) that reads the
 * batch's position and the step number from the device-side step state. A full batch's step is
 * recorded once and replayed (a CUDA graph on a GPU) unless {@code replaySteps} is off; the
 * last, partial batch of an epoch runs directly. The learning rate is an argument of the recorded
 * Adam launch, so a step is recorded again whenever the schedule changes it (once per stage). The loss accumulates on the device over the
 * epoch; the host reads the running sum every {@link #LOSS_CHECK_STEPS} steps, to stop when it
 * is not finite. Training can stop between two steps of an epoch and continue there exactly:
 * the epoch's order is recomputed from (seed, epoch), the step state and the running loss sum
 * are restored.
 */
public final class Trainer implements AutoCloseable {
    /** Steps between two reads of the running loss sum: one synchronisation per interval, not per step. */
    public static final int LOSS_CHECK_STEPS = 50;

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
    // the recorded full-batch step and the learning rate recorded in it; null before the first epoch
    private ReplayedStep fullBatchStep;
    private float fullBatchRate;
    private long step;
    private int epochsCompleted;
    // how far into the current epoch training stands, and the loss summed over those batches
    private int batchesIntoEpoch;
    private double partialLossSum;

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

    /** Batches of the current epoch already trained: 0 except after a stop or a resume inside an epoch. */
    public int batchesIntoEpoch() {
        return batchesIntoEpoch;
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        return ceilDiv(train.count(), options.batchSize());
    }

    /**
     * Trains the current epoch from where it stands, then evaluates on the test set. When
     * {@code stop} is requested, returns empty after the step under way, unless that step ended
     * the epoch; {@link #checkpoint} then saves the position inside the epoch. Throws
     * {@link TrainingDivergedException} when the loss is not finite; a failure of the device
     * inside a step, or in the evaluation, is reported with the step or epoch it happened in.
     */
    public Optional<EpochResult> trainEpoch(BatchListener listener, StopRequest stop) {
        int epoch = epochsCompleted + 1;
        EpochOrder.shuffle(options.seed(), epoch, orderHost);
        backend.upload(orderHost, order);
        int firstBatch = batchesIntoEpoch, n = train.count(), batchSize = options.batchSize();
        int batches = batchesPerEpoch();
        if (firstBatch >= batches) {
            throw new VaeCudaException(VaeCudaException.FAILURE, "the checkpoint stopped after batch " + firstBatch
                    + " of an epoch, but this training set of " + n + " images has only " + batches
                    + " batches of " + batchSize + ": it is not the data the run started with");
        }
        float lr = options.learningRate(epoch);
        ReplayedStep full = fullBatchStep(lr);
        backend.setStepState(trainState, step, firstBatch);
        vae.setLossSum(partialLossSum);
        long checkedUpTo = step;
        long start = System.nanoTime();
        for (int batch = firstBatch; batch < batches; batch++) {
            int rows = Math.min(batchSize, n - batch * batchSize);
            try {
                if (rows == batchSize) {
                    full.run();
                } else {
                    trainStep(rows, lr);
                }
            } catch (VaeCudaException e) {
                throw failedIn(String.format("step %d (epoch %d, batch %d of %d)", step + 1, epoch, batch + 1, batches), e);
            }
            step++;
            batchesIntoEpoch = batch + 1;
            if (step % LOSS_CHECK_STEPS == 0) {
                checkFinite(vae.lossSum(), checkedUpTo, epoch);
                checkedUpTo = step;
            }
            listener.batchEnded(epoch, batch + 1, batches);
            if (stop.requested() && batch + 1 < batches) {
                partialLossSum = checkFinite(vae.lossSum(), checkedUpTo, epoch);
                return Optional.empty();
            }
        }
        double trainLoss = checkFinite(vae.takeLossSum(), checkedUpTo, epoch) / n;
        double seconds = (System.nanoTime() - start) / 1e9;
        epochsCompleted = epoch;
        batchesIntoEpoch = 0;
        partialLossSum = 0;
        double testLoss;
        try {
            testLoss = evaluate(epoch);
        } catch (VaeCudaException e) {
            throw failedIn("the evaluation on the test set after epoch " + epoch, e);
        }
        if (!Double.isFinite(testLoss)) {
            throw new TrainingDivergedException("the test loss after epoch " + epoch + " is " + testLoss
                    + ": the parameters are not finite after step " + step);
        }
        int trained = n - firstBatch * batchSize;
        return Optional.of(new EpochResult(epoch, trainLoss, testLoss, seconds, trained / seconds));
    }

    /** A device failure, reported as happening in {@code work}. */
    private static VaeCudaException failedIn(String work, VaeCudaException e) {
        return new VaeCudaException(e.exitCode(), work + " failed: " + e.getMessage(), e);
    }

    /** {@code lossSum} when finite; otherwise it went bad in one of the steps after {@code checkedUpTo}. */
    private double checkFinite(double lossSum, long checkedUpTo, int epoch) {
        if (!Double.isFinite(lossSum)) {
            throw new TrainingDivergedException("the training loss is " + lossSum + (step - checkedUpTo == 1
                    ? " at step " + step : " at a step in " + (checkedUpTo + 1) + ".." + step) + " (epoch " + epoch + ")");
        }
        return lossSum;
    }

    /** The full-batch step at learning rate {@code lr}: the one recorded before, unless it was recorded at another rate. */
    private ReplayedStep fullBatchStep(float lr) {
        if (fullBatchStep == null || fullBatchRate != lr) {
            close();
            fullBatchStep = new ReplayedStep(backend, () -> trainStep(options.batchSize(), lr), replaySteps);
            fullBatchRate = lr;
        }
        return fullBatchStep;
    }

    private void trainStep(int rows, float lr) {
        backend.gatherBatch(train, order, options.batchSize(), rows, vae.input(), options.binarize(),
                options.seed(), RngStreams.TRAIN_BINARIZE, trainState);
        vae.trainStep(rows, options.seed(), lr, options.adamEpsilon(), trainState);
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

    /** The state to continue from, at an epoch's end or between two of its steps; never a diverged one. */
    public Checkpoint checkpoint(RunConfig config, RunIdentity identity) {
        int p = vae.parameterCount();
        float[] params = new float[p], m = new float[p], v = new float[p];
        backend.download(vae.parameters(), params);
        backend.download(vae.adam().firstMoment(), m);
        backend.download(vae.adam().secondMoment(), v);
        for (float value : params) {
            if (!Float.isFinite(value)) {
                throw new TrainingDivergedException("the parameters are not finite after step " + step);
            }
        }
        return new Checkpoint(config, identity, step, epochsCompleted, batchesIntoEpoch, partialLossSum, params, m, v);
    }

    /** Continues from a checkpoint of a run of the same model, taken at an epoch's end or inside an epoch. */
    public void restore(Checkpoint checkpoint) {
        checkpoint.restoreInto(backend, vae);
        step = checkpoint.step();
        epochsCompleted = checkpoint.epochsCompleted();
        batchesIntoEpoch = checkpoint.batchesIntoEpoch();
        partialLossSum = checkpoint.partialTrainLossSum();
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public void close() {
        if (fullBatchStep != null) {
            fullBatchStep.close();
            fullBatchStep = null;
        }
    }
}
