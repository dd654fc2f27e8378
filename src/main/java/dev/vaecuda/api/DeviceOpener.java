package dev.vaecuda.api;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.Backends;
import dev.vaecuda.backend.DeviceChoice;
import dev.vaecuda.backend.cpu.blas.BlasChoice;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.ModelConfig;

/** Opens a {@link Device} for a model with the command line's defaults: all cores, the bundled BLAS, no debugging. */
final class DeviceOpener {
    private static final System.Logger LOG = System.getLogger(VaeModel.class.getName());

    private DeviceOpener() {
    }

    /** The backend, its one-line description ("device: cpu, 8 threads, ...") logged at DEBUG. */
    static Backend open(Device device, ModelConfig model) {
        DeviceChoice choice = switch (device) {
            case CPU -> DeviceChoice.cpu;
            case CUDA -> DeviceChoice.cuda;
            case AUTO -> DeviceChoice.auto;
        };
        return Backends.open(choice, model.architecture() == Architecture.CONV, Runtime.getRuntime().availableProcessors(),
                BlasChoice.auto, new Backends.CudaOptions(false, false), line -> LOG.log(System.Logger.Level.DEBUG, line));
    }
}
