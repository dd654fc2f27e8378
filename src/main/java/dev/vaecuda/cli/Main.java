package dev.vaecuda.cli;

/** Entry point of {@code java -jar vae-cuda.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(VaeCli.create().execute(args));
    }
}
