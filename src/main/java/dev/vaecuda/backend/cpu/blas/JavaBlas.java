package dev.vaecuda.backend.cpu.blas;

import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.logging.Level;
import java.util.logging.Logger;

/** netlib's pure-Java BLAS: the last resort, about 10x slower than OpenBLAS on the model's GEMMs. */
final class JavaBlas implements Blas {
    /** netlib logs a warning for each implementation it fails to load (its JNI, the Vector API); the description says what is used. */
    private static final Logger NETLIB_LOG = quiet(Logger.getLogger("dev.ludovic.netlib"));

    private final JavaBLAS blas = JavaBLAS.getInstance();
    private final String why;

    /** @param why what the description says about the choice, e.g. why no native BLAS is in use */
    JavaBlas(String why) {
        this.why = why;
    }

    private static Logger quiet(Logger log) {
        log.setLevel(Level.SEVERE);
        return log;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        blas.sgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, a, aOffset, lda,
                b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    @Override
    public boolean concurrentCallsSafe() {
        return true;
    }

    @Override
    public String description() {
        return "pure Java (" + why + ")";
    }
}
