package dev.vaecuda.cli;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.Backends;
import dev.vaecuda.backend.DeviceChoice;
import dev.vaecuda.model.Architecture;
import picocli.CommandLine.Mixin;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `--device` and `--threads`, shared by every command that computes. */
final class DeviceOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "Where to compute: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; auto picks CUDA when it works).")
    DeviceChoice device;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU threads (default: the number of cores, ${sys:vae.cores}).")
    Integer threads;

    @Mixin
    BlasOption blas;

    @Option(names = "--sync-debug",
            description = "CUDA: launch every kernel on its own (no graph) and synchronise after it, so an error names the kernel that made it.")
    boolean syncDebug;

    @Option(names = "--no-graph",
            description = "Run every step's launches directly instead of replaying the step recorded once (a CUDA graph).")
    boolean noGraph;

    @Option(names = "--tf32", description = "CUDA: let cuBLAS and cuDNN use TF32 tensor cores for the GEMMs and"
            + " convolutions (faster, about 1e-3 relative error).")
    boolean tf32;

    /** Whether a step recorded once is replayed (a CUDA graph on a GPU); not with --sync-debug, whose errors name kernels. */
    boolean replaySteps() {
        return !noGraph && !syncDebug;
    }

    /** The device for models of {@code architecture}; the backend opens when {@link ModelDevice#open} is called. */
    ModelDevice forModel(Architecture architecture) {
        return new ModelDevice(this, architecture == Architecture.CONV);
    }

    /** A --device checked against the models it will run. */
    record ModelDevice(DeviceOptions options, boolean convolutions) {
        Backend open(PrintWriter out) {
            return options.open(out, convolutions);
        }
    }

    private Backend open(PrintWriter out, boolean convolutions) {
        int cores = Runtime.getRuntime().availableProcessors();
        int n = threads == null ? cores : threads;
        Backend backend = Backends.open(device, convolutions, OptionChecks.atLeast(spec, "--threads", n, 1), blas.choice,
                new Backends.CudaOptions(syncDebug, tf32), out::println);
        out.flush();
        return backend;
    }

    static {
        System.setProperty("vae.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    }
}
