package dev.vaecuda.selftest;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The field check of a device: every kernel and a few whole training steps against the CPU
 * backend, on fresh random inputs at the model's real shapes and at awkward ones.
 */
public final class SelfTest {

    /** One row of the report; {@code problem} is null when the check passed. */
    public record Result(String check, String problem) {
        public boolean passed() {
            return problem == null;
        }
    }

    private record Check(String name, Consumer<BackendPair> body) {
    }

    private static final List<Check> CHECKS = List.of(
            new Check("gemm NT 400x128x784 (encoder forward)", p -> KernelChecks.gemm(p, true, false, 400, 128, 784)),
            new Check("gemm NN 784x129x400 (input gradient)", p -> KernelChecks.gemm(p, false, false, 784, 129, 400)),
            new Check("gemm NT 784x400x128 (weight gradient)", p -> KernelChecks.gemm(p, false, true, 784, 400, 128)),
            new Check("gemm TT 33x7x5 (awkward)", p -> KernelChecks.gemm(p, true, true, 33, 7, 5)),
            new Check("bias add + ReLU 129x400", p -> KernelChecks.biasAdd(p, 129, 400)),
            new Check("ReLU backward + bias gradient 129x400", p -> KernelChecks.reluBackward(p, 129, 400)),
            new Check("sigmoid, n=100003", p -> KernelChecks.sigmoid(p, 100_003)),
            new Check("reparameterize + backward 128x20", p -> KernelChecks.reparameterizeAndBackward(p, 128, 20)),
            new Check("BCE + KL loss 128x784, latent 20", p -> KernelChecks.lossAndGradients(p, LossKind.BCE, 128, 784, 20)),
            new Check("MSE + KL loss 7x33, latent 5", p -> KernelChecks.lossAndGradients(p, LossKind.MSE, 7, 33, 5)),
            new Check("Adam, n=100003, step 10", p -> KernelChecks.adam(p, 100_003, 10)),
            new Check("gather batch (+ binarize) 129x784", p -> KernelChecks.gatherBatch(p, 129, 784)),
            new Check("3 recorded training steps, 784-400-20, batch 64", p -> TrainingStepCheck.run(p,
                    new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f), 64, 3)));

    private SelfTest() {
    }

    /** Runs every check on {@code device}, reporting each result as it comes; closes nothing. */
    public static List<Result> run(Backend device, Consumer<Result> progress) {
        long seed = new SplittableRandom().nextLong();
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < CHECKS.size(); i++) {
            Check check = CHECKS.get(i);
            Result result;
            try (BackendPair pair = new BackendPair(new Unclosed(device), new CpuBackend(2), seed + i)) {
                check.body().accept(pair);
                result = new Result(check.name(), null);
            } catch (MismatchException | dev.vaecuda.VaeCudaException e) {
                result = new Result(check.name(), e.getMessage());
            }
            results.add(result);
            progress.accept(result);
        }
        return results;
    }

    /** The device is shared by every check and closed by its owner, not by a pair. */
    private static final class Unclosed extends dev.vaecuda.backend.ForwardingBackend {
        Unclosed(Backend delegate) {
            super(delegate);
        }
    }
}
