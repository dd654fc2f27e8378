package dev.vaecuda.selftest;

import dev.vaecuda.backend.Backend;

/**
 * How far one Adam update (Backend.adam) may differ between two correct backends, element by
 * element, derived from the update's operands rather than from its result: the operands of this
 * record are the parameters, moments and gradients before the update.
 *
 * <p>With u = 2^-24 (a correctly rounded float operation errs by at most u of its result, an ulp
 * is at most 2u of the value), and each bound doubled for the second-order terms it leaves out:
 * <ul>
 * <li>First moment m = beta1 m + (1 - beta1) g: the CPU rounds both products and the sum, a GPU
 *     compiler may fuse one product into the sum. Either side errs by at most 2u of
 *     S = |beta1 m| + |(1 - beta1) g|, so they differ by up to 4u S: where the two terms nearly
 *     cancel that is far more than 4u of the result. Second moment alike, with (1 - beta2) g^2. A
 *     moment within rounding of Backend.ADAM_MOMENT_FLOOR may be flushed to zero on one side only.
 * <li>Parameters p -= lr / (1 - beta1^t) m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon): the CPU's
 *     beta^t is correctly rounded, a GPU's powf is off by up to {@link CudaMathBounds#POWF} ulps,
 *     and 1 - beta^t magnifies that error by beta^t / (1 - beta^t) (250x for beta2 = 0.999 at
 *     t = 1); the division, square roots, products and sums add a few u; the first moment's
 *     difference moves the update by lr / (1 - beta1^t) / (sqrt(v) / sqrt(1 - beta2^t) + epsilon) times itself.
 * </ul>
 */
record AdamTolerance(float[] params, float[] firstMoment, float[] secondMoment, float[] gradients, long step,
                     float learningRate, float beta1, float beta2, float epsilon) {
    private static final double U = CudaMathBounds.UNIT_ROUNDOFF;
    /** The factor on each first-order bound, for the products of small errors it leaves out. */
    private static final double SAFETY = 2;

    /**
     * Compares the device's parameters, first and second moments after the update ({@code actual},
     * in this order) with the reference's ({@code expected}); throws {@link MismatchException} on a
     * difference beyond its allowance and returns the largest share of an allowance used.
     */
    double assertClose(String what, float[][] expected, float[][] actual) {
        int n = params.length;
        double[] allowedM = new double[n], allowedV = new double[n], allowedP = new double[n];
        double pow1 = Math.pow(beta1, step), pow2 = Math.pow(beta2, step);
        double stepSize = learningRate / (1 - pow1), sqrtCorrection2 = Math.sqrt(1 - pow2);
        // relative differences of lr / (1 - beta1^t) and of sqrt(1 - beta2^t): powf on one side, 1 - x, /, sqrt
        double powfError = CudaMathBounds.POWF.relativeError() + U;
        double stepSizeError = powfError * pow1 / (1 - pow1) + 4 * U;
        double correction2Error = (powfError * pow2 / (1 - pow2) + 2 * U) / 2 + 2 * U;
        for (int i = 0; i < n; i++) {
            double g = Math.abs(gradients[i]) > Backend.ADAM_GRADIENT_FLOOR ? gradients[i] : 0;
            double m = expected[1][i], v = expected[2][i];
            // the first-order bounds; each allowance is SAFETY times its bound
            double boundM = 4 * U * (Math.abs(beta1 * (double) firstMoment[i]) + Math.abs((1 - beta1) * g))
                    + Backend.ADAM_MOMENT_FLOOR;
            double boundV = 4 * U * (Math.abs(beta2 * (double) secondMoment[i]) + (1 - beta2) * g * g)
                    + Backend.ADAM_MOMENT_FLOOR;
            double denominator = Math.sqrt(v) / sqrtCorrection2 + epsilon;
            double update = Math.abs(stepSize * m / denominator);
            // v's difference moves sqrt(v), and so the denominator, by at most half of it, relatively
            double denominatorError = (v > 0 ? boundV / v / 2 : 0) + correction2Error + 6 * U;
            double boundP = 2 * U * Math.abs(expected[0][i]) + update * (stepSizeError + denominatorError + 4 * U)
                    + stepSize * boundM / denominator;
            allowedM[i] = SAFETY * boundM;
            allowedV[i] = SAFETY * boundV;
            allowedP[i] = SAFETY * boundP;
        }
        String[] names = {" parameters", " Adam first moments", " Adam second moments"};
        double[][] allowed = {allowedP, allowedM, allowedV};
        double largest = 0;
        for (int k = 0; k < names.length; k++) {
            double[] allowance = allowed[k];
            largest = Math.max(largest, Tolerance.assertWithin(what + names[k], expected[k], actual[k], i -> allowance[i],
                    "differ by more than the rounding Adam's operands allow (AdamTolerance)"));
        }
        return largest;
    }
}
