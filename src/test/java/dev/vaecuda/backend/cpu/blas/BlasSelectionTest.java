package dev.vaecuda.backend.cpu.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.VaeCudaException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The fallback order of {@code --blas} and the one-line descriptions that tell the user what runs. */
class BlasSelectionTest {
    private static final Supplier<SymbolLookup> MISSING = () -> {
        throw new IllegalArgumentException("Cannot open library: libblas.so.3");
    };

    /** The bundled OpenBLAS, loaded once by {@link Blases}; by soname the loader returns that same copy. */
    private static SymbolLookup openBlas() {
        Blases.get(BlasChoice.bundled);
        return SymbolLookup.libraryLookup("libopenblas.so.0", Arena.global());
    }

    /** The same library with every OpenBLAS-specific function hidden: what a reference BLAS looks like. */
    private static SymbolLookup anonymousBlas() {
        SymbolLookup real = openBlas();
        return name -> name.startsWith("openblas") ? Optional.empty() : real.find(name);
    }

    private static BlasSelection selection(Supplier<SymbolLookup> bundled, Supplier<SymbolLookup> system) {
        return new BlasSelection(bundled, system, "libblas.so.3");
    }

    @Test
    void autoTakesTheBundledOpenBlasAndNamesItsVersionKernelsAndThreads() {
        Blas blas = selection(BlasSelectionTest::openBlas, MISSING).select(BlasChoice.auto);
        String description = blas.description();
        assertTrue(description.matches("OpenBLAS 0\\.3\\.31 .*\\(bundled\\), kernels \\w+, 1 thread per call"), description);
        assertTrue(blas.concurrentCallsSafe(), description);
    }

    @Test
    void autoWithoutTheBundledLibraryTakesAnOptimisedSystemBlas() {
        Blas blas = selection(MISSING, BlasSelectionTest::openBlas).select(BlasChoice.auto);
        assertTrue(blas.description().matches("OpenBLAS 0\\.3\\.31 .*\\(system .*libopenblas\\.so\\.0\\), kernels .*"),
                blas.description());
    }

    @Test
    void autoNeverTakesAnUnknownSystemBlasAndSaysWhyItFellBackInOneLine() {
        Blas blas = selection(MISSING, BlasSelectionTest::anonymousBlas).select(BlasChoice.auto);
        assertInstanceOf(JavaBlas.class, blas);
        assertEquals("pure Java (last resort, about 10x slower: bundled OpenBLAS unavailable: Cannot open library: "
                        + "libblas.so.3; system " + SystemBlas.fileOf(anonymousBlas(), "cblas_sgemm", "?")
                        + " is not OpenBLAS, MKL or BLIS)", blas.description());
    }

    @Test
    void autoWithNoNativeBlasAtAllFallsBackToJavaSayingWhy() {
        Blas blas = selection(MISSING, MISSING).select(BlasChoice.auto);
        assertInstanceOf(JavaBlas.class, blas);
        assertEquals("pure Java (last resort, about 10x slower: bundled OpenBLAS unavailable: Cannot open library: "
                + "libblas.so.3; libblas.so.3: Cannot open library: libblas.so.3)", blas.description());
        assertEquals(1, blas.description().lines().count());
    }

    @Test
    void systemUsesWhateverItFindsButSaysWhenItCannotTellItIsOptimised() {
        Blas blas = selection(MISSING, BlasSelectionTest::anonymousBlas).select(BlasChoice.system);
        assertInstanceOf(NativeBlas.class, blas);
        assertTrue(blas.description().startsWith("unknown (system "), blas.description());
        assertTrue(blas.description().endsWith("not OpenBLAS, MKL or BLIS; if it is the reference BLAS, it is 10x slower"),
                blas.description());
        assertTrue(!blas.concurrentCallsSafe(), "an unknown BLAS is called from one thread");
    }

    @Test
    void explicitChoicesFailInOneLineInsteadOfFallingBack() {
        VaeCudaException bundled = assertThrows(VaeCudaException.class,
                () -> selection(MISSING, BlasSelectionTest::openBlas).select(BlasChoice.bundled));
        assertEquals(VaeCudaException.FAILURE, bundled.exitCode());
        assertEquals("bundled OpenBLAS unavailable: Cannot open library: libblas.so.3", bundled.getMessage());
        VaeCudaException system = assertThrows(VaeCudaException.class,
                () -> selection(BlasSelectionTest::openBlas, MISSING).select(BlasChoice.system));
        assertEquals("system BLAS libblas.so.3 unavailable: Cannot open library: libblas.so.3 (set VAE_BLAS_LIBRARY to its file)",
                system.getMessage());
    }

    @Test
    void javaIsTakenWhenAskedFor() {
        assertEquals("pure Java (asked for)", selection(MISSING, MISSING).select(BlasChoice.java).description());
    }
}
