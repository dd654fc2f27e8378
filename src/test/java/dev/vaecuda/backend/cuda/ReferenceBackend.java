package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.Philox;
import java.util.Arrays;
import java.util.Objects;

/**
 * The Backend contract as the plainest single-threaded Java, with double accumulators: the
 * reference the CUDA kernels are compared with until the CPU backend (dev.vaecuda.backend.cpu,
 * written on another branch) is merged; then the tests should use that and this class go.
 */
final class ReferenceBackend implements Backend {

    record Buffer(float[] data, int offset, int length) implements DeviceBuffer {
        @Override
        public DeviceBuffer slice(int offset, int length) {
            Objects.checkFromIndexSize(offset, length, this.length);
            return new Buffer(data, this.offset + offset, length);
        }

        float get(int i) {
            return data[offset + i];
        }

        void set(int i, float value) {
            data[offset + i] = value;
        }
    }

    record Indices(int[] data) implements DeviceIndices {
        @Override
        public int length() {
            return data.length;
        }
    }

    record Images(byte[] pixels, int count, int pixelsPerImage) implements DeviceImages {
    }

    private static Buffer of(DeviceBuffer buffer) {
        return (Buffer) buffer;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public DeviceBuffer allocate(int length) {
        return new Buffer(new float[length], 0, length);
    }

    @Override
    public DeviceIndices allocateIndices(int length) {
        return new Indices(new int[length]);
    }

    @Override
    public DeviceImages uploadImages(byte[] pixels, int count, int pixelsPerImage) {
        return new Images(pixels.clone(), count, pixelsPerImage);
    }

    @Override
    public void upload(float[] source, DeviceBuffer destination) {
        Buffer d = of(destination);
        System.arraycopy(source, 0, d.data(), d.offset(), source.length);
    }

    @Override
    public void upload(int[] source, DeviceIndices destination) {
        System.arraycopy(source, 0, ((Indices) destination).data(), 0, source.length);
    }

    @Override
    public void download(DeviceBuffer source, float[] destination) {
        Buffer s = of(source);
        System.arraycopy(s.data(), s.offset(), destination, 0, destination.length);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer a, int lda,
                     DeviceBuffer b, int ldb, float beta, DeviceBuffer c, int ldc) {
        Buffer ba = of(a), bb = of(b), bc = of(c);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double sum = 0;
                for (int l = 0; l < k; l++) {
                    float x = transA ? ba.get(l + i * lda) : ba.get(i + l * lda);
                    float y = transB ? bb.get(j + l * ldb) : bb.get(l + j * ldb);
                    sum += (double) x * y;
                }
                double old = beta == 0f ? 0 : (double) beta * bc.get(i + j * ldc);
                bc.set(i + j * ldc, (float) (alpha * sum + old));
            }
        }
    }

    @Override
    public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, boolean relu) {
        Buffer by = of(y), bb = of(bias);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = by.get(r * cols + c) + bb.get(c);
                by.set(r * cols + c, relu ? Math.max(v, 0f) : v);
            }
        }
    }

    @Override
    public void biasGrad(DeviceBuffer dy, DeviceBuffer dBias, int rows, int cols) {
        Buffer bdy = of(dy), bdb = of(dBias);
        for (int c = 0; c < cols; c++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += bdy.get(r * cols + c);
            }
            bdb.set(c, (float) sum);
        }
    }

    @Override
    public void reluBackward(DeviceBuffer dy, DeviceBuffer y, int n) {
        Buffer bdy = of(dy), by = of(y);
        for (int i = 0; i < n; i++) {
            if (!(by.get(i) > 0f)) {
                bdy.set(i, 0f);
            }
        }
    }

    @Override
    public void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer eps, DeviceBuffer z, int rows, int latent,
                               long seed, int stream, long step) {
        Buffer ml = of(meanLogvar), be = of(eps), bz = of(z);
        Philox.normals(seed, stream, step, 0, rows * latent, be.data(), be.offset(), new int[4]);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < latent; j++) {
                double sigma = Math.exp(0.5 * ml.get(r * 2 * latent + latent + j));
                bz.set(r * latent + j, (float) (ml.get(r * 2 * latent + j) + sigma * be.get(r * latent + j)));
            }
        }
    }

    @Override
    public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer target, DeviceBuffer meanLogvar,
                                 float beta, int rows, int pixels, int latent, DeviceBuffer dLogits,
                                 DeviceBuffer dMeanLogvar, DeviceBuffer lossSum) {
        Buffer x = of(logits), t = of(target), ml = of(meanLogvar), dx = of(dLogits), dml = of(dMeanLogvar);
        double total = 0;
        for (int i = 0; i < rows * pixels; i++) {
            double xi = x.get(i), ti = t.get(i);
            double p = 1 / (1 + Math.exp(-xi));
            if (kind == LossKind.BCE) {
                total += Math.max(xi, 0) - xi * ti + Math.log1p(Math.exp(-Math.abs(xi)));
                dx.set(i, (float) (p - ti));
            } else {
                total += (p - ti) * (p - ti);
                dx.set(i, (float) (2 * (p - ti) * p * (1 - p)));
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < latent; j++) {
                int mu = r * 2 * latent + j, logvar = mu + latent;
                double m = ml.get(mu), lv = ml.get(logvar);
                total += beta * -0.5 * (1 + lv - m * m - Math.exp(lv));
                dml.set(mu, (float) (beta * m));
                dml.set(logvar, (float) (beta * 0.5 * (Math.exp(lv) - 1)));
            }
        }
        of(lossSum).set(0, (float) (of(lossSum).get(0) + total));
    }

    @Override
    public void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                       DeviceBuffer dMeanLogvar, int rows, int latent) {
        Buffer g = of(dz), e = of(eps), ml = of(meanLogvar), dml = of(dMeanLogvar);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < latent; j++) {
                int mu = r * 2 * latent + j, logvar = mu + latent;
                double gz = g.get(r * latent + j);
                dml.set(mu, (float) (dml.get(mu) + gz));
                double sigma = Math.exp(0.5 * ml.get(logvar));
                dml.set(logvar, (float) (dml.get(logvar) + gz * e.get(r * latent + j) * 0.5 * sigma));
            }
        }
    }

    @Override
    public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n, float lr,
                     float beta1, float beta2, float epsilon, long step) {
        Buffer p = of(params), g = of(grads), bm = of(m), bv = of(v);
        double correction1 = 1 - Math.pow(beta1, step), correction2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double gi = g.get(i);
            double mi = beta1 * (double) bm.get(i) + (1 - (double) beta1) * gi;
            double vi = beta2 * (double) bv.get(i) + (1 - (double) beta2) * gi * gi;
            bm.set(i, (float) mi);
            bv.set(i, (float) vi);
            p.set(i, (float) (p.get(i) - lr / correction1 * mi / (Math.sqrt(vi) / Math.sqrt(correction2) + epsilon)));
        }
    }

    @Override
    public void sigmoid(DeviceBuffer x, DeviceBuffer out, int n) {
        Buffer bx = of(x), bo = of(out);
        for (int i = 0; i < n; i++) {
            bo.set(i, (float) (1 / (1 + Math.exp(-bx.get(i)))));
        }
    }

    @Override
    public void gatherBatch(DeviceImages images, DeviceIndices order, int first, int rows, DeviceBuffer x,
                            boolean binarize, long seed, int stream, long step) {
        Images source = (Images) images;
        int[] indices = ((Indices) order).data();
        Buffer bx = of(x);
        int pixels = source.pixelsPerImage();
        int[] block = new int[4];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < pixels; i++) {
                int e = r * pixels + i;
                float p = (source.pixels()[indices[first + r] * pixels + i] & 0xFF) * (1f / 255f);
                if (binarize) {
                    Philox.block(seed, stream, step, e >>> 2, block);
                    p = Philox.uniform(block[e & 3]) < p ? 1f : 0f;
                }
                bx.set(e, p);
            }
        }
    }

    @Override
    public void zero(DeviceBuffer buffer, int n) {
        Buffer b = of(buffer);
        Arrays.fill(b.data(), b.offset(), b.offset() + n, 0f);
    }

    @Override
    public void close() {
    }
}
