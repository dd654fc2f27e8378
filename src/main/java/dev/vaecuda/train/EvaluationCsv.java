package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * `eval --out`: one row per test image, {@code image,label,loss,negative_elbo,negative_log_likelihood} in
 * nats, then the last two in bits per dimension; the label is empty for unlabelled images.
 */
public final class EvaluationCsv {
    public static final String HEADER = "image,label,loss,negative_elbo,negative_log_likelihood,"
            + "negative_elbo_bits_per_dim,negative_log_likelihood_bits_per_dim";

    private EvaluationCsv() {
    }

    public static void write(Path file, LikelihoodEvaluation.Result result, byte[] labels) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
                out.println(HEADER);
                for (int i = 0; i < result.loss().length; i++) {
                    double elbo = result.negativeElbo()[i], nll = result.negativeLogLikelihood()[i];
                    out.printf(Locale.ROOT, "%d,%s,%.6f,%.6f,%.6f,%.6f,%.6f%n", i,
                            labels == null ? "" : Integer.toString(Byte.toUnsignedInt(labels[i])), result.loss()[i],
                            elbo, nll, result.bitsPerDimension(elbo), result.bitsPerDimension(nll));
                }
                if (out.checkError()) {
                    throw new IOException("write failed");
                }
            }
        } catch (IOException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
