package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.Random;

/**
 * The CUDA backend under test and the CPU backend (the reference), with the same data in both: each operation
 * is run on both and the results are compared.
 */
final class BackendPair implements AutoCloseable {
    /** A buffer that exists in both backends. */
    record Twin(DeviceBuffer cuda, DeviceBuffer reference, int length) {
    }

    final CudaBackend cuda;
    final Backend reference;
    final Random random;

    /** The CUDA backend over the emulator. */
    BackendPair(long seed) {
        this(new CudaBackend(EmulatedRuntime.open()), seed);
    }

    BackendPair(CudaBackend cuda, long seed) {
        this.cuda = cuda;
        this.reference = new CpuBackend(2);
        this.random = new Random(seed);
    }

    Twin twin(float[] values) {
        Twin twin = new Twin(cuda.allocate(values.length), reference.allocate(values.length), values.length);
        cuda.upload(values, twin.cuda());
        reference.upload(values, twin.reference());
        return twin;
    }

    /** Uniform values in [low, high). */
    Twin uniform(int length, float low, float high) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = low + (high - low) * random.nextFloat();
        }
        return twin(values);
    }

    Twin filled(int length, float value) {
        float[] values = new float[length];
        java.util.Arrays.fill(values, value);
        return twin(values);
    }

    void assertClose(String what, Twin twin, Tolerance tolerance) {
        float[] expected = new float[twin.length()], actual = new float[twin.length()];
        reference.download(twin.reference(), expected);
        cuda.download(twin.cuda(), actual);
        tolerance.assertClose(what, expected, actual);
    }

    @Override
    public void close() {
        cuda.close();
        reference.close();
    }
}
