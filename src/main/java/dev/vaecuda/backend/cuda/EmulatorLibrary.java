package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.vaecuda.VaeCudaException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;

/**
 * The native CUDA emulator (src/main/native, built by build-emulator.sh into the class path at
 * Maven's process-resources) and FFM handles to its C API. Loaded once per process and never
 * unloaded: its block threads live as long as the process, and so do its counters.
 * {@value #OVERRIDE} names another build of it instead, such as the tests' GPU-rounding one.
 */
final class EmulatorLibrary {
    static final String RESOURCE = "/dev/vaecuda/backend/cuda/libcuda-emulator.so";
    /** The environment variable that names an emulator library file to load instead of the resource. */
    static final String OVERRIDE = "VAE_CUDA_EMULATOR";

    private static EmulatorLibrary loaded;

    final SymbolLookup symbols;
    final MethodHandle lastError;
    final MethodHandle rounding;
    final MethodHandle multiprocessorCount;
    final MethodHandle malloc;
    final MethodHandle free;
    final MethodHandle memcpy;
    final MethodHandle memset;
    final MethodHandle findKernel;
    final MethodHandle kernelSignature;
    final MethodHandle launch;
    final MethodHandle sgemm;
    final MethodHandle convForward;
    final MethodHandle convBackwardData;
    final MethodHandle convBackwardFilter;
    final MethodHandle counters;
    final MethodHandle resetCounters;
    final MethodHandle setMemoryLimit;
    final MethodHandle memGetInfo;
    final MethodHandle failLaunch;
    final MethodHandle shuffleBlocks;

    private EmulatorLibrary(Path file) {
        Linker linker = Linker.nativeLinker();
        symbols = SymbolLookup.libraryLookup(file, Arena.global());
        lastError = handle(linker, "emu_last_error", FunctionDescriptor.of(ADDRESS));
        rounding = handle(linker, "emu_rounding", FunctionDescriptor.of(ADDRESS));
        multiprocessorCount = handle(linker, "emu_multiprocessor_count", FunctionDescriptor.of(JAVA_INT));
        malloc = handle(linker, "emu_malloc", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        free = handle(linker, "emu_free", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // critical with heap access: copies read and write Java arrays in place, as JCuda's Pointer.to does
        memcpy = linker.downcallHandle(symbol("emu_memcpy"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT), Linker.Option.critical(true));
        memset = handle(linker, "emu_memset", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
        findKernel = handle(linker, "emu_find_kernel", FunctionDescriptor.of(ADDRESS, ADDRESS));
        kernelSignature = handle(linker, "emu_kernel_signature", FunctionDescriptor.of(ADDRESS, ADDRESS));
        launch = handle(linker, "emu_launch", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        sgemm = handle(linker, "emu_sgemm", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
        // (n, c, h, w, k, r, pad, stride, alpha, two inputs, beta, output), as emulator_api.h
        FunctionDescriptor conv = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, ADDRESS, JAVA_FLOAT, ADDRESS);
        convForward = handle(linker, "emu_conv_forward", conv);
        convBackwardData = handle(linker, "emu_conv_backward_data", conv);
        convBackwardFilter = handle(linker, "emu_conv_backward_filter", conv);
        counters = handle(linker, "emu_counters", FunctionDescriptor.ofVoid(ADDRESS));
        resetCounters = handle(linker, "emu_reset_counters", FunctionDescriptor.ofVoid());
        setMemoryLimit = handle(linker, "emu_set_memory_limit", FunctionDescriptor.ofVoid(JAVA_LONG));
        memGetInfo = handle(linker, "emu_mem_get_info", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        failLaunch = handle(linker, "emu_fail_launch", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));
        shuffleBlocks = handle(linker, "emu_shuffle_blocks", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_LONG));
    }

    /**
     * The library on the class path, loaded on first use, running each launch's blocks in a
     * random order, as a GPU may: a kernel whose result depends on the order shows it.
     */
    static synchronized EmulatorLibrary load() {
        if (loaded == null) {
            loaded = new EmulatorLibrary(locate());
            long seed = new SplittableRandom().nextLong();
            Downcalls.value(() -> {
                loaded.shuffleBlocks.invokeExact(1, seed);
                return 0;
            });
        }
        return loaded;
    }

    private MethodHandle handle(Linker linker, String name, FunctionDescriptor descriptor) {
        return linker.downcallHandle(symbol(name), descriptor);
    }

    private MemorySegment symbol(String name) {
        return symbols.find(name).orElseThrow(() -> new IllegalStateException("emulator library lacks " + name));
    }

    /**
     * The library file: the one {@value #OVERRIDE} names, else the resource itself when it is a
     * file, else a private copy of it out of the jar.
     */
    private static Path locate() {
        String override = System.getenv(OVERRIDE);
        if (override != null && !override.isEmpty()) {
            Path file = Path.of(override);
            if (!Files.isRegularFile(file)) {
                throw new VaeCudaException(VaeCudaException.FAILURE, OVERRIDE + "=" + override + ": no such file"
                        + " (expected a CUDA emulator library built by src/main/native/build-emulator.sh)");
            }
            return file;
        }
        URL url = EmulatorLibrary.class.getResource(RESOURCE);
        if (url == null) {
            throw new IllegalStateException("the CUDA emulator library " + RESOURCE + " is not on the class path"
                    + " (it is built with g++ by src/main/native/build-emulator.sh during the Maven build)");
        }
        try {
            if (url.getProtocol().equals("file")) {
                return Path.of(url.toURI());
            }
            // a fresh file each time: never trust (or overwrite) one left by another process
            Path copy = Files.createTempFile("cuda-emulator-", ".so");
            copy.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the CUDA emulator library", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
