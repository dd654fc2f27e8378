package dev.vaecuda.backend.cuda;

/** A launch's grid and block shape (z is 1), in blocks and threads per block. */
public record LaunchGeometry(int gridX, int gridY, int blockX, int blockY) {

    public LaunchGeometry {
        if (gridX < 1 || gridY < 1 || blockX < 1 || blockY < 1 || blockX * blockY > 1024) {
            throw new IllegalArgumentException("invalid launch geometry " + gridX + "x" + gridY
                    + " blocks of " + blockX + "x" + blockY + " threads");
        }
    }

    /** A 1-D grid of {@code blocks} blocks of {@code threads} threads. */
    public static LaunchGeometry linear(int blocks, int threads) {
        return new LaunchGeometry(blocks, 1, threads, 1);
    }
}
