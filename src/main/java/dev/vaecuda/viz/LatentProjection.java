package dev.vaecuda.viz;

/**
 * Where the latent map puts each posterior mean: at two of its dimensions, or at its first two
 * principal components (the plane that shows most of the means' spread). {@code x} and {@code y}
 * hold one coordinate per image; {@code name} says which projection it is, for the title.
 */
public record LatentProjection(double[] x, double[] y, String xAxis, String yAxis, String name) {
    private static final int JACOBI_SWEEPS = 100;

    /**
     * Dimensions {@code i} and {@code j} of {@code means}, (count, latent) row-major; {@code j} is -1
     * for a 1-D latent, drawn against 0.
     */
    public static LatentProjection dimensions(float[] means, int latent, int i, int j) {
        int count = means.length / latent;
        double[] x = new double[count], y = new double[count];
        for (int n = 0; n < count; n++) {
            x[n] = means[n * latent + i];
            y[n] = j < 0 ? 0.0 : means[n * latent + j];
        }
        return new LatentProjection(x, y, "z[" + i + "]", j < 0 ? "0" : "z[" + j + "]",
                latent <= 2 ? "" : "dimensions " + i + " and " + j + " of " + latent);
    }

    /** The centred means, (count, latent) row-major, projected on the two leading eigenvectors of their covariance. */
    public static LatentProjection principalComponents(float[] means, int latent) {
        int count = means.length / latent;
        double[] mean = new double[latent];
        for (int n = 0; n < count; n++) {
            for (int d = 0; d < latent; d++) {
                mean[d] += means[n * latent + d] / (double) count;
            }
        }
        double[][] covariance = new double[latent][latent];
        for (int n = 0; n < count; n++) {
            for (int a = 0; a < latent; a++) {
                double da = means[n * latent + a] - mean[a];
                for (int b = 0; b < latent; b++) {
                    covariance[a][b] += da * (means[n * latent + b] - mean[b]) / count;
                }
            }
        }
        double[][] vectors = identity(latent);
        double[] values = jacobiEigen(covariance, vectors);
        int first = 0, second = -1;
        for (int k = 1; k < latent; k++) {
            if (values[k] > values[first]) {
                first = k;
            }
        }
        for (int k = 0; k < latent; k++) {
            if (k != first && (second < 0 || values[k] > values[second])) {
                second = k;
            }
        }
        double total = 0;
        for (double v : values) {
            total += v;
        }
        double[] x = new double[count], y = new double[count];
        for (int n = 0; n < count; n++) {
            for (int d = 0; d < latent; d++) {
                double centred = means[n * latent + d] - mean[d];
                x[n] += centred * vectors[d][first];
                y[n] += centred * vectors[d][second];
            }
        }
        double shown = total > 0 ? 100 * (values[first] + values[second]) / total : 0;
        return new LatentProjection(x, y, "PC1", "PC2", String.format(java.util.Locale.ROOT,
                "first 2 principal components of %d dims (%.0f%% of variance)", latent, shown));
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    /**
     * Cyclic Jacobi rotations: diagonalises the symmetric {@code a} in place and accumulates the
     * eigenvectors as the columns of {@code v}; returns the eigenvalues, in the order of those columns.
     */
    private static double[] jacobiEigen(double[][] a, double[][] v) {
        int n = a.length;
        for (int sweep = 0; sweep < JACOBI_SWEEPS; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return values;
    }
}
