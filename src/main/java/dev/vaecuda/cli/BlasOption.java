package dev.vaecuda.cli;

import dev.vaecuda.backend.cpu.blas.BlasChoice;
import picocli.CommandLine.Option;

/** `--blas`, for the commands that compute and for `info`. */
final class BlasOption {
    @Option(names = "--blas", defaultValue = "${env:VAE_BLAS:-auto}", paramLabel = "BLAS",
            description = "CPU GEMMs: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, or the environment variable VAE_BLAS). "
                    + "auto: the bundled OpenBLAS, else a system OpenBLAS/MKL/BLIS, else pure Java (said so); "
                    + "system: VAE_BLAS_LIBRARY or libblas.so.3 (MKL, BLIS).")
    BlasChoice choice;
}
