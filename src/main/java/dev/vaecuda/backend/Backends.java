package dev.vaecuda.backend;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.backend.cpu.blas.BlasChoice;
import dev.vaecuda.backend.cpu.blas.Blases;
import dev.vaecuda.backend.cuda.CudaBackend;
import dev.vaecuda.backend.cuda.EmulatedRuntime;
import dev.vaecuda.backend.cuda.JCudaRuntime;
import java.util.Optional;
import java.util.function.Consumer;

/** Opens the backend that `--device` names, telling the user in one line which one it is. */
public final class Backends {
    private Backends() {
    }

    /**
     * How to run the CUDA device.
     *
     * @param syncDebug synchronise after every launch, so an error names its kernel
     * @param tf32      let cuBLAS and cuDNN use TF32 tensor cores for the GEMMs and convolutions
     */
    public record CudaOptions(boolean syncDebug, boolean tf32) {
    }

    /**
     * @param convolutions whether the model to run has convolutions, which on a GPU need cuDNN 9:
     *                     without it, cuda refuses the model in one line and auto takes the CPU
     * @param threads      CPU threads and @param blas the BLAS (the CPU backend; CUDA ignores them)
     */
    public static Backend open(DeviceChoice choice, boolean convolutions, int threads, BlasChoice blas,
                               CudaOptions cudaOptions, Consumer<String> notice) {
        return switch (choice) {
            case cpu -> cpu(threads, blas, notice, "");
            case cuda -> cuda(cudaOptions, convolutions, notice);
            case emulated -> {
                EmulatedRuntime runtime = EmulatedRuntime.open();
                notice.accept("device: emulated (the CUDA kernels on the CPU emulator" + (runtime.rounding().equals("gpu")
                        ? ", rounding as a GPU may: FMA contraction and the math library's documented errors" : "")
                        + ": for checks, not speed)");
                yield new CudaBackend(runtime);
            }
            case auto -> {
                try {
                    yield cuda(cudaOptions, convolutions, notice);
                } catch (VaeCudaException | LinkageError e) {
                    yield cpu(threads, blas, notice, " (auto: CUDA unavailable: " + shortReason(e)
                            + "; the info command says more)");
                }
            }
        };
    }

    private static Backend cuda(CudaOptions options, boolean convolutions, Consumer<String> notice) {
        JCudaRuntime runtime = JCudaRuntime.open(0, options.syncDebug(), options.tf32());
        Optional<String> noConvolutions = convolutions ? runtime.whyNoConvolutions() : Optional.empty();
        if (noConvolutions.isPresent()) {
            runtime.close();
            throw new VaeCudaException(VaeCudaException.FAILURE, "a conv model on CUDA needs cuDNN 9: "
                    + noConvolutions.get());
        }
        notice.accept("device: cuda, " + runtime.info().describe() + (options.tf32() ? ", TF32 GEMMs" : "")
                + (options.syncDebug() ? ", synchronising after each launch" : ""));
        return new CudaBackend(runtime);
    }

    private static Backend cpu(int threads, BlasChoice blas, Consumer<String> notice, String why) {
        CpuBackend backend = new CpuBackend(threads, Blases.get(blas));
        notice.accept("device: cpu, " + threads + " threads, BLAS " + backend.blas().description() + why);
        return backend;
    }

    /** The GPU `--device cuda` would use, described, or why CUDA is unavailable; one line. */
    public static String cudaStatus() {
        try (JCudaRuntime cuda = JCudaRuntime.open(0, false, false)) {
            return cuda.info().describe();
        } catch (VaeCudaException | LinkageError e) {
            return "unavailable: " + VaeCudaException.firstLine(e);
        }
    }

    /**
     * The gist of why CUDA could not be opened, for the line every command that chooses a device
     * prints: what failed, without the libraries' paths and details ("loading JCuda's native
     * libraries failed: no usable NVIDIA driver or CUDA library"); `info` prints the whole reason.
     */
    private static String shortReason(Throwable e) {
        String line = VaeCudaException.firstLine(e);
        int detail = line.indexOf(": ", line.indexOf(" failed: ") + " failed: ".length());
        String gist = detail < 0 ? line : line.substring(0, detail);
        int aside = gist.indexOf(" (");
        return aside < 0 ? gist : gist.substring(0, aside);
    }
}
