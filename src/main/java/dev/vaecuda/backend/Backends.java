package dev.vaecuda.backend;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.function.Consumer;

/** Opens the backend that `--device` names, telling the user in one line which one it is. */
public final class Backends {
    private Backends() {
    }

    public static Backend open(DeviceChoice choice, int threads, Consumer<String> notice) {
        return switch (choice) {
            case cpu -> cpu(threads, notice, "");
            case auto -> cpu(threads, notice, " (auto: the CUDA backend is not part of this build)");
            case cuda, emulated -> throw new VaeCudaException(VaeCudaException.FAILURE,
                    "--device " + choice + ": the CUDA backend is not part of this build");
        };
    }

    private static Backend cpu(int threads, Consumer<String> notice, String why) {
        CpuBackend backend = new CpuBackend(threads);
        notice.accept("device: cpu, " + threads + " threads, BLAS " + CpuBackend.blasName() + why);
        return backend;
    }
}
