package dev.vaecuda.backend.cpu.blas;

import dev.vaecuda.VaeCudaException;
import java.lang.foreign.SymbolLookup;
import java.util.function.Supplier;

/**
 * Picks the BLAS for a {@link BlasChoice}. {@code auto}: the bundled OpenBLAS; where it cannot
 * load, the system's BLAS if it is a known optimised one (OpenBLAS, MKL, BLIS: a reference
 * BLAS is slower than the pure-Java one, so it is never taken silently); else the pure-Java
 * BLAS, whose description says why. {@code bundled} and {@code system} fail rather than fall back.
 */
final class BlasSelection {
    private final Supplier<SymbolLookup> bundled;
    private final Supplier<SymbolLookup> system;
    private final String systemName;

    /** The suppliers load their library (once: the caller caches) or throw saying why not. */
    BlasSelection(Supplier<SymbolLookup> bundled, Supplier<SymbolLookup> system, String systemName) {
        this.bundled = bundled;
        this.system = system;
        this.systemName = systemName;
    }

    Blas select(BlasChoice choice) {
        return switch (choice) {
            case bundled -> bundledOrThrow();
            case system -> systemOrThrow();
            case java -> new JavaBlas("asked for");
            case auto -> auto();
        };
    }

    private Blas auto() {
        String bundledFailure;
        try {
            return bundledOrThrow();
        } catch (VaeCudaException e) {
            bundledFailure = e.getMessage();
        }
        String systemFailure;
        try {
            SymbolLookup library = system.get();
            if (new NativeBlasIdentity(library, systemName).isOptimised()) {
                return new NativeBlas(library, source(library));
            }
            systemFailure = source(library) + " is not OpenBLAS, MKL or BLIS";
        } catch (RuntimeException e) {
            systemFailure = systemName + ": " + VaeCudaException.firstLine(e);
        }
        return new JavaBlas("last resort, about 10x slower: " + bundledFailure + "; " + systemFailure);
    }

    private Blas bundledOrThrow() {
        try {
            return new NativeBlas(bundled.get(), "bundled");
        } catch (RuntimeException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, "bundled OpenBLAS unavailable: " + VaeCudaException.firstLine(e), e);
        }
    }

    private Blas systemOrThrow() {
        try {
            SymbolLookup library = system.get();
            return new NativeBlas(library, source(library));
        } catch (RuntimeException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, "system BLAS " + systemName + " unavailable: " + VaeCudaException.firstLine(e)
                    + " (set " + SystemBlas.LIBRARY_VARIABLE + " to its file)", e);
        }
    }

    private String source(SymbolLookup library) {
        return "system " + SystemBlas.fileOf(library, "cblas_sgemm", systemName);
    }
}
