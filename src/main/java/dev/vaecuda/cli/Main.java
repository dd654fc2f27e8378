package dev.vaecuda.cli;

/** Entry point of {@code java -jar vae-cuda.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // pictures and charts are drawn off-screen; no window system is needed or touched
        System.setProperty("java.awt.headless", "true");
        // usage lines and suggested commands start the way this program can be started again from here
        System.exit(VaeCli.create().setCommandName(LaunchCommand.current()).execute(args));
    }
}
