package dev.vaecuda.backend.cpu;

/** KL(N(mu, exp(logvar)) || N(0, I)) for one image and its gradient. */
final class KlDivergence {
    private KlDivergence() {
    }

    /**
     * ml[mo ..] holds mu (latent) then logvar (latent). Returns
     * KL = -0.5 * sum(1 + logvar - mu^2 - exp(logvar)) and writes beta-scaled gradients into
     * dml[go ..]: d/dmu = mu, d/dlogvar = 0.5 * (exp(logvar) - 1) (overwrites).
     */
    static double lossAndGradient(float[] ml, int mo, float[] dml, int go, int latent, float beta) {
        double kl = 0.0;
        for (int j = 0; j < latent; j++) {
            float mu = ml[mo + j], logvar = ml[mo + latent + j];
            float variance = (float) Math.exp(logvar);
            kl += -0.5 * (1.0 + logvar - (double) mu * mu - variance);
            dml[go + j] = beta * mu;
            dml[go + latent + j] = beta * 0.5f * (variance - 1f);
        }
        return kl;
    }
}
