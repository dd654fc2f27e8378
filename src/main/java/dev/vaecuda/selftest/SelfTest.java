package dev.vaecuda.selftest;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.backend.cuda.CudaBackend;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The field check of a device: every kernel and a few whole training steps against the CPU
 * backend, on fresh random inputs at the model's real shapes and at awkward ones. The checks of
 * the convolutions (cuDNN's calls on a GPU) run where the device can run them, and are reported
 * skipped, in one row that says why, where it cannot.
 */
public final class SelfTest {

    /**
     * One row of the report: passed ({@code problem} and {@code whySkipped} null; {@code largestShare}
     * the largest share of its tolerance that any value used), failed ({@code problem}), or skipped.
     */
    public record Result(String check, String problem, double largestShare, String whySkipped) {
        Result(String check, String problem, double largestShare) {
            this(check, problem, largestShare, null);
        }

        public boolean passed() {
            return problem == null && whySkipped == null;
        }
    }

    /** A check; {@code fp32Only} when its tolerances assume FP32 GEMMs. */
    private record Check(String name, BiConsumer<BackendPair, GemmPrecision> body, boolean fp32Only) {
        Check(String name, Consumer<BackendPair> body) {
            this(name, (pair, precision) -> body.accept(pair), false);
        }
    }

    /**
     * The default conv VAE's second convolution (--channels 32,64 on 28x28 images), whose input, the
     * first layer's 32 maps of 14x14, the channel kernels' checks take; over an odd batch.
     */
    private static final ConvShape CONV = new ConvShape(32, 14, 14, 64, ModelConfig.CONV_KERNEL,
            ModelConfig.CONV_STRIDE, ModelConfig.CONV_PADDING);
    private static final int CONV_ROWS = 9;

    private static final List<Check> CHECKS = List.of(
            new Check("gemm NT 400x128x784 (encoder forward)", (p, precision) -> KernelChecks.gemm(p, precision, true, false, 400, 128, 784), false),
            new Check("gemm NN 784x129x400 (input gradient)", (p, precision) -> KernelChecks.gemm(p, precision, false, false, 784, 129, 400), false),
            new Check("gemm NT 784x400x128 (weight gradient)", (p, precision) -> KernelChecks.gemm(p, precision, false, true, 784, 400, 128), false),
            new Check("gemm TT 33x7x5 (awkward)", (p, precision) -> KernelChecks.gemm(p, precision, true, true, 33, 7, 5), false),
            new Check("bias add (+ ReLU, tanh) 129x400", p -> KernelChecks.biasAdd(p, 129, 400)),
            new Check("ReLU backward + bias gradient 129x400",
                    p -> KernelChecks.activationBackward(p, 129, 400, Activation.RELU)),
            new Check("tanh backward + bias gradient 129x400",
                    p -> KernelChecks.activationBackward(p, 129, 400, Activation.TANH)),
            new Check("channel bias add (+ ReLU, tanh) 9x32x196", p -> KernelChecks.channelBiasAdd(p, CONV_ROWS, 32, 196)),
            new Check("channel backward + bias gradient 9x32x196", p -> {
                for (Activation activation : Activation.values()) {
                    KernelChecks.channelActivationBackward(p, CONV_ROWS, 32, 196, activation);
                }
            }),
            new Check("sigmoid, n=100003", p -> KernelChecks.sigmoid(p, 100_003)),
            new Check("reparameterize + backward 128x20", p -> KernelChecks.reparameterizeAndBackward(p, 128, 20)),
            new Check("BCE + KL loss 128x784, latent 20", p -> KernelChecks.lossAndGradients(p, LossKind.BCE, 128, 784, 20)),
            new Check("MSE + KL loss 7x33, latent 5", p -> KernelChecks.lossAndGradients(p, LossKind.MSE, 7, 33, 5)),
            new Check("Adam, n=100003, step 10", p -> KernelChecks.adam(p, 100_003, 10)),
            new Check("gather batch (+ binarize) 129x784", p -> KernelChecks.gatherBatch(p, 129, 784)),
            new Check("3 recorded training steps, 784-400-20, batch 64", (p, precision) -> TrainingStepCheck.run(p,
                    new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f), 64, 3), true));

    /** The checks that need the device's convolutions (cuDNN on a GPU). */
    private static final List<Check> CONV_CHECKS = List.of(
            new Check("conv forward 32x14x14 -> 64x7x7, batch 9",
                    (p, precision) -> KernelChecks.convForward(p, precision, CONV, CONV_ROWS), false),
            new Check("conv backward data 64x7x7 -> 32x14x14, batch 9",
                    (p, precision) -> KernelChecks.convBackwardData(p, precision, CONV, CONV_ROWS), false),
            new Check("conv backward filter 32x14x14 <- 64x7x7, batch 9",
                    (p, precision) -> KernelChecks.convBackwardFilter(p, precision, CONV, CONV_ROWS), false),
            new Check("3 recorded steps, conv 16x16 (4, 8)-32-4, batch 8", (p, precision) -> TrainingStepCheck.run(p,
                    new ModelConfig(16, 16, List.of(32), 4, LossKind.BCE, 1f, Activation.RELU, Architecture.CONV,
                            List.of(4, 8)), 8, 3), true));

    private SelfTest() {
    }

    /** Runs every check on {@code device} with FP32 GEMMs, reporting each result as it comes; closes nothing. */
    public static List<Result> run(Backend device, Consumer<Result> progress) {
        return run(device, GemmPrecision.FP32, progress);
    }

    /**
     * Runs the checks on {@code device}, whose GEMMs compute in {@code precision}: with TF32 the GEMM
     * checks take TF32's tolerance and the checks whose tolerances assume FP32 GEMMs are left out.
     */
    public static List<Result> run(Backend device, GemmPrecision precision, Consumer<Result> progress) {
        return run(device, precision, whyNoConvolutions(device), progress);
    }

    /** Why {@code device} cannot run convolutions, if it cannot: only a CUDA runtime may lack them (cuDNN). */
    private static Optional<String> whyNoConvolutions(Backend device) {
        return device instanceof CudaBackend cuda ? cuda.runtime().whyNoConvolutions() : Optional.empty();
    }

    /**
     * As {@link #run(Backend, GemmPrecision, Consumer)}; when {@code whyNoConvolutions} says why, the
     * convolution checks are skipped in one row that says it.
     */
    static List<Result> run(Backend device, GemmPrecision precision, Optional<String> whyNoConvolutions,
                            Consumer<Result> progress) {
        long seed = new SplittableRandom().nextLong();
        List<Check> checks = new ArrayList<>(CHECKS);
        if (whyNoConvolutions.isEmpty()) {
            checks.addAll(CONV_CHECKS);
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            Check check = checks.get(i);
            if (check.fp32Only() && precision != GemmPrecision.FP32) {
                continue;
            }
            Result result;
            try (BackendPair pair = new BackendPair(new Unclosed(device), new CpuBackend(2), seed + i)) {
                check.body().accept(pair, precision);
                result = new Result(check.name(), null, pair.largestShare());
            } catch (MismatchException | dev.vaecuda.VaeCudaException e) {
                result = new Result(check.name(), e.getMessage(), Double.NaN);
            }
            results.add(result);
            progress.accept(result);
        }
        whyNoConvolutions.ifPresent(why -> {
            Result skipped = new Result("the " + CONV_CHECKS.size() + " convolution checks", null, Double.NaN, why);
            results.add(skipped);
            progress.accept(skipped);
        });
        return results;
    }

    /** The device is shared by every check and closed by its owner, not by a pair. */
    private static final class Unclosed extends dev.vaecuda.backend.ForwardingBackend {
        Unclosed(Backend delegate) {
            super(delegate);
        }
    }
}
