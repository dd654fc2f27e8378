package dev.vaecuda.api;

/**
 * The images a model takes and the size of its latent space.
 *
 * @param channels     1 for grey images, 3 for colour (red, green and blue planes)
 * @param height       image height in pixels
 * @param width        image width in pixels
 * @param latent       the dimensions of the latent space
 * @param architecture {@code "MLP"} or {@code "CONV"}, as the checkpoint's {@code --arch}
 */
public record ModelShape(int channels, int height, int width, int latent, String architecture) {

    /**
     * The values of one image row in the {@code float[][]} arrays the model takes: channels x height x width.
     *
     * @return channels * height * width
     */
    public int pixels() {
        return channels * height * width;
    }
}
