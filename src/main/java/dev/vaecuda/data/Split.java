package dev.vaecuda.data;

/** The two halves of an MNIST-format data set, named by the prefix of their files. */
public enum Split {
    TRAIN("train"),
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /** "train" or "t10k", as in {@code t10k-images-idx3-ubyte}. */
    public String filePrefix() {
        return filePrefix;
    }
}
