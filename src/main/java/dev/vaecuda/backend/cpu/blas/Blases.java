package dev.vaecuda.backend.cpu.blas;

import java.lang.foreign.SymbolLookup;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** The process's BLAS for each {@link BlasChoice}: each native library is loaded at most once. */
public final class Blases {
    private static final Supplier<SymbolLookup> BUNDLED = once(BundledOpenBlas::load);
    private static final Supplier<SymbolLookup> SYSTEM = once(() -> SystemBlas.load(SystemBlas.configuredName()));
    private static final Map<BlasChoice, Blas> CHOSEN = new EnumMap<>(BlasChoice.class);

    private Blases() {
    }

    /** The BLAS for {@code choice}; throws a one-line VaeCudaException when an explicit choice cannot load. */
    public static synchronized Blas get(BlasChoice choice) {
        Blas blas = CHOSEN.get(choice);
        if (blas == null) {
            blas = new BlasSelection(BUNDLED, SYSTEM, SystemBlas.configuredName()).select(choice);
            CHOSEN.put(choice, blas);
        }
        return blas;
    }

    /** Runs {@code load} on the first call; later calls return its library or throw its failure again. */
    private static Supplier<SymbolLookup> once(Supplier<SymbolLookup> load) {
        return new Supplier<>() {
            private SymbolLookup library;
            private RuntimeException failure;

            @Override
            public synchronized SymbolLookup get() {
                if (library == null && failure == null) {
                    try {
                        library = load.get();
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
                if (failure != null) {
                    throw failure;
                }
                return library;
            }
        };
    }
}
