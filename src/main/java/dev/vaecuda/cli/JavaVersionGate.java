package dev.vaecuda.cli;

/**
 * The jar's Main-Class, compiled for Java 8 (pom.xml) so that an older java runs it: where the Java
 * is older than 25 it says so in one line, instead of the JVM's UnsupportedClassVersionError, and
 * exits 1; otherwise it hands over to {@link Main}, found by name so that nothing of Java 25 loads first.
 */
public final class JavaVersionGate {
    static final int REQUIRED = 25;

    private JavaVersionGate() {
    }

    public static void main(String[] args) throws Throwable {
        String version = System.getProperty("java.specification.version");
        // "1.8" before Java 9, "17", "25" since
        int feature = Integer.parseInt(version.startsWith("1.") ? version.substring(2) : version);
        if (feature < REQUIRED) {
            System.err.println("error: vae-cuda needs Java " + REQUIRED + " or later, found " + System.getProperty("java.version")
                    + " (" + System.getProperty("java.home") + "): run it with a JDK " + REQUIRED
                    + "'s java (in the repository, `source ci/jdk25.sh` puts one first on PATH)");
            System.exit(1);
        }
        try {
            Class.forName("dev.vaecuda.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
