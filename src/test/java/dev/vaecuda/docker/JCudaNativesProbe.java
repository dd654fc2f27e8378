package dev.vaecuda.docker;

import jcuda.driver.JCudaDriver;

/**
 * Run by {@link DockerRuntimeCommandIT} in a JVM of its own with only the built jar (and this
 * class) on the class path: makes JCuda load its driver binding, and prints one line
 * per library, "loaded NAME" or "failed NAME: reason". On a host without libcuda the
 * reason names the missing system library.
 */
public final class JCudaNativesProbe {
    private JCudaNativesProbe() {
    }

    public static void main(String[] args) {
        report("JCudaDriver", () -> JCudaDriver.setExceptionsEnabled(true));
    }

    private static void report(String library, Runnable load) {
        try {
            load.run();
            System.out.println("loaded " + library);
        } catch (UnsatisfiedLinkError e) {
            System.out.println("failed " + library + ": " + e.getMessage().replace('\n', ' '));
        }
    }
}
