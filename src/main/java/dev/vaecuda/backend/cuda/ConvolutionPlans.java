package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.ConvShape;
import java.util.HashMap;
import java.util.Map;

/**
 * A runtime's convolution plans, one per (shape, rows), each made by the first call that needs it
 * and kept until close. None is made while a step is recorded: cuDNN's set-up (heuristics,
 * descriptors) is host work that a capture would not replay, so a step runs once before it is
 * recorded (as {@link dev.vaecuda.backend.ReplayedStep} does).
 */
final class ConvolutionPlans implements AutoCloseable {
    private record Key(ConvShape shape, int rows) {
    }

    private final CudnnHandle cudnn;
    private final Map<Key, ConvolutionPlan> plans = new HashMap<>();

    ConvolutionPlans(CudnnHandle cudnn) {
        this.cudnn = cudnn;
    }

    /** The plan of {@code shape} over {@code rows} images, made now unless an earlier call made it. */
    ConvolutionPlan of(ConvShape shape, int rows, boolean recording) {
        Key key = new Key(shape, rows);
        ConvolutionPlan plan = plans.get(key);
        if (plan == null) {
            if (recording) {
                throw new IllegalStateException("the convolution " + shape + " over " + rows + " rows is recorded before"
                        + " its first run, which makes its cuDNN plan: run the step once before recording it");
            }
            plan = new ConvolutionPlan(cudnn, shape, rows);
            plans.put(key, plan);
        }
        return plan;
    }

    /** Destroys every plan's descriptors; the first failure is thrown, the later ones suppressed. */
    @Override
    public void close() {
        Faults faults = new Faults();
        plans.values().forEach(plan -> faults.run(plan::close));
        plans.clear();
        faults.rethrow();
    }
}
