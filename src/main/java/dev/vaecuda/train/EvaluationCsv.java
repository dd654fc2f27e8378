package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** `eval --out`: one row per test image, {@code image,label,loss,negative_elbo,negative_log_likelihood}. */
public final class EvaluationCsv {
    public static final String HEADER = "image,label,loss,negative_elbo,negative_log_likelihood";

    private EvaluationCsv() {
    }

    public static void write(Path file, LikelihoodEvaluation.Result result, byte[] labels) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
                out.println(HEADER);
                for (int i = 0; i < result.loss().length; i++) {
                    out.printf(Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f%n", i, Byte.toUnsignedInt(labels[i]), result.loss()[i],
                            result.negativeElbo()[i], result.negativeLogLikelihood()[i]);
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
