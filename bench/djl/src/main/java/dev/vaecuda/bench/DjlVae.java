package dev.vaecuda.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Trains a VAE written with DJL's NDArray operations, autograd (GradientCollector) and Adam, on
 * DJL's PyTorch engine: PyTorch's examples/vae (mlp, {@link MlpVae}) or vae-cuda's conv model
 * (conv, {@link ConvVae}); prints one line per epoch in the format of pytorch_vae.py. Usage:
 * DjlVae DATA_DIR EPOCHS THREADS [mlp|conv]
 */
public final class DjlVae {
    private static final int PIXELS = 784;
    private static final int BATCH = 128;

    public static void main(String[] args) throws IOException {
        String arch = args.length == 4 ? args[3] : "mlp";
        if (args.length < 3 || args.length > 4 || !arch.equals("mlp") && !arch.equals("conv")) {
            System.err.println("usage: DjlVae DATA_DIR EPOCHS THREADS [mlp|conv]");
            System.exit(2);
        }
        Path data = Path.of(args[0]);
        int epochs = Integer.parseInt(args[1]);
        // Read by PtEngine when the engine loads: torch::set_num_threads, i.e. torch.set_num_threads
        System.setProperty("ai.djl.pytorch.num_threads", args[2]);
        // libtorch and the JNI library come from jars on the classpath (extracted once into DJL's
        // cache dir); offline mode turns any download DJL would try (natives for another
        // PYTORCH_VERSION, the EC2 telemetry probe) into an error or a no-op
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // its probe for a GPU warns on every CPU-only machine
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");

        float[] train = readImages(data.resolve("train-images-idx3-ubyte"));
        float[] test = readImages(data.resolve("t10k-images-idx3-ubyte"));
        int trainCount = train.length / PIXELS;
        int testCount = test.length / PIXELS;

        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(1);  // torch.manual_seed(1)
        System.out.printf("DJL %s, PyTorch %s, %d intra-op threads, %s VAE%n",
                Engine.getDjlVersion(), engine.getVersion(), JniUtils.getNumThreads(), arch);
        Random shuffle = new Random(1);
        int[] order = identity(trainCount);
        int[] testOrder = identity(testCount);

        try (NDManager manager = engine.newBaseManager()) {
            DjlModel model = arch.equals("conv") ? new ConvVae(manager) : new MlpVae(manager);
            NDArray[] params = model.parameters();
            Adam adam = Adam.builder().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            for (int epoch = 1; epoch <= epochs; epoch++) {
                double trainLoss = 0;
                long start = System.nanoTime();
                shuffleInPlace(order, shuffle);
                for (int from = 0; from < trainCount; from += BATCH) {
                    // every array of the step is created under this sub-manager and freed with it
                    try (NDManager step = manager.newSubManager()) {
                        NDArray x = batch(step, train, order, from, Math.min(BATCH, trainCount - from));
                        NDArray loss;
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            loss = model.loss(x);
                            collector.backward(loss);
                        }
                        trainLoss += loss.getFloat();  // loss.item()
                        for (int i = 0; i < params.length; i++) {
                            try (NDArray grad = params[i].getGradient()) {
                                // DJL's PyTorch Adam also zeroes the gradient: optimizer.zero_grad()
                                adam.update("p" + i, params[i], grad);
                            }
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                // outside a GradientCollector DJL runs with grad mode off: torch.no_grad()
                double testLoss = 0;
                for (int from = 0; from < testCount; from += BATCH) {
                    try (NDManager step = manager.newSubManager()) {
                        NDArray x = batch(step, test, testOrder, from, Math.min(BATCH, testCount - from));
                        testLoss += model.loss(x).getFloat();
                    }
                }
                System.out.printf("epoch %d  train_loss %.4f  test_loss %.4f  %.2f s%n",
                        epoch, trainLoss / trainCount, testLoss / testCount, seconds);
            }
        }
    }

    /** Images {@code order[from]} to {@code order[from + count - 1]} as a count x 784 array. */
    private static NDArray batch(NDManager manager, float[] images, int[] order, int from, int count) {
        float[] rows = new float[count * PIXELS];
        for (int i = 0; i < count; i++) {
            System.arraycopy(images, order[from + i] * PIXELS, rows, i * PIXELS, PIXELS);
        }
        return manager.create(rows, new Shape(count, PIXELS));
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void shuffleInPlace(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** An IDX image file, scaled as ToTensor does: uint8 / 255. */
    private static float[] readImages(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            if (in.readInt() != 0x803) {
                throw new IOException(file + ": not an IDX image file");
            }
            int count = in.readInt();
            int pixels = in.readInt() * in.readInt();
            if (pixels != PIXELS) {
                throw new IOException(file + ": images of " + pixels + " pixels, expected " + PIXELS);
            }
            byte[] bytes = in.readNBytes(count * pixels);
            if (bytes.length != count * pixels) {
                throw new IOException(file + ": truncated");
            }
            float[] images = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                images[i] = (bytes[i] & 0xff) / 255f;
            }
            return images;
        }
    }
}
