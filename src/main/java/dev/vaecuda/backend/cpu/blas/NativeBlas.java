package dev.vaecuda.backend.cpu.blas;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.NoSuchElementException;

/**
 * A native BLAS's {@code cblas_sgemm}, called through an FFM downcall on the Java arrays
 * themselves: a critical call may read and write heap memory (the GC waits for it), so
 * nothing is copied. When the library is a threaded OpenBLAS, its own threads are pinned to
 * one, so concurrent calls each run on their caller's thread and the backend's workers split
 * a GEMM between them.
 */
final class NativeBlas implements Blas {
    private static final int COL_MAJOR = 102, NO_TRANS = 111, TRANS = 112;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    private static final FunctionDescriptor SGEMM = FunctionDescriptor.ofVoid(INT, INT, INT, INT, INT, INT,
            FLOAT, ValueLayout.ADDRESS, INT, ValueLayout.ADDRESS, INT, FLOAT, ValueLayout.ADDRESS, INT);

    private final MethodHandle sgemm;
    private final NativeBlasIdentity identity;
    private final boolean concurrentCallsSafe;

    /** @param source where the library came from, for the description: "bundled", or its file */
    NativeBlas(SymbolLookup library, String source) {
        MemorySegment symbol = library.find("cblas_sgemm")
                .orElseThrow(() -> new NoSuchElementException("no cblas_sgemm in " + source));
        this.sgemm = Linker.nativeLinker().downcallHandle(symbol, SGEMM, Linker.Option.critical(true));
        this.identity = new NativeBlasIdentity(library, source);
        this.concurrentCallsSafe = identity.pinToOneThreadPerCall();
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        try {
            sgemm.invokeExact(COL_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                    at(a, aOffset), lda, at(b, bOffset), ldb, beta, at(c, cOffset), ldc);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_sgemm failed: " + e, e);
        }
    }

    private static MemorySegment at(float[] array, int offset) {
        return MemorySegment.ofArray(array).asSlice(offset * Float.BYTES);
    }

    @Override
    public boolean concurrentCallsSafe() {
        return concurrentCallsSafe;
    }

    @Override
    public String description() {
        return identity.describe();
    }
}
