/**
 * Use a VAE that {@code vae-cuda train} trained from your own JVM code: the one package of vae-cuda
 * documented as stable.
 *
 * <p>{@link dev.vaecuda.api.VaeModel#load(java.nio.file.Path, dev.vaecuda.api.Device)} opens a
 * checkpoint on the CPU, a CUDA GPU, or whichever works ({@link dev.vaecuda.api.Device}); the
 * model then encodes images to their posterior (mean and log-variance), decodes latent vectors,
 * samples, reconstructs, and scores how unusual images are: the negative ELBO and the
 * importance-weighted -log p(x), per image, in nats, the figures of {@code vae-cuda eval}. Images
 * are {@code float[][]} rows of C x H x W intensities in [0, 1], NCHW;
 * {@link dev.vaecuda.api.VaeModel#pixels} and {@link dev.vaecuda.api.VaeModel#image} convert
 * pictures. Failures are {@link dev.vaecuda.api.VaeModelException}s with a one-line message.
 * A model may be shared by threads; it owns its device and frees it when closed.
 *
 * <p>Ranking images by how unusual the model finds them:
 * <pre>{@code
 * try (VaeModel model = VaeModel.load(Path.of("run/checkpoint.vae"), Device.AUTO)) {
 *     ModelShape shape = model.shape();
 *     float[][] images = new float[files.size()][];
 *     for (int i = 0; i < images.length; i++) {
 *         images[i] = VaeModel.pixels(ImageIO.read(files.get(i).toFile()), shape);
 *     }
 *     Scores scores = model.score(images, 100, 1L);
 *     double mostUnusual = Arrays.stream(scores.negativeLogLikelihood()).max().orElseThrow();
 *     ImageIO.write(VaeModel.image(model.reconstruct(images)[0], shape), "png", new File("first.png"));
 * }
 * }</pre>
 */
package dev.vaecuda.api;
