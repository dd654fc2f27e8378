package dev.vaecuda.backend.cpu.blas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The OpenBLAS 0.3.31 the jar carries (org.bytedeco:openblas's linux-x86_64 natives): copied
 * into a new private temporary folder, loaded from there, and deleted at once (the loader
 * keeps its mapping). Nothing found on disk is ever trusted or overwritten: the folder is new
 * (owner-only) and each file is created, never replaced.
 */
final class BundledOpenBlas {
    private static final String RESOURCES = "/org/bytedeco/openblas/linux-x86_64/";
    /**
     * In load order, each before what needs it: libopenblas links libgfortran, which links
     * libquadmath (neither is on every system). libgcc_s, which libgfortran also links, is not
     * carried: glibc itself needs it, so every system that runs a JDK has it.
     */
    private static final List<String> LIBRARIES = List.of("libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0");

    private BundledOpenBlas() {
    }

    /** Loads the bundled library, or throws naming why it cannot (another platform, files missing). */
    static SymbolLookup load() {
        String os = System.getProperty("os.name"), arch = System.getProperty("os.arch");
        if (!os.toLowerCase(Locale.ROOT).contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new UnsupportedOperationException("the bundled OpenBLAS is for linux-x86_64, this is " + os + " " + arch);
        }
        try {
            Path folder = Files.createTempDirectory("vae-cuda-openblas-");
            try {
                SymbolLookup last = null;
                for (String name : LIBRARIES) {
                    last = SymbolLookup.libraryLookup(extract(name, folder), Arena.global());
                }
                return last;
            } finally {
                for (String name : LIBRARIES) {
                    Files.deleteIfExists(folder.resolve(name));
                }
                Files.deleteIfExists(folder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("extracting the bundled OpenBLAS failed: " + e.getMessage(), e);
        }
    }

    private static Path extract(String name, Path folder) throws IOException {
        try (InputStream in = BundledOpenBlas.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException(RESOURCES + name + " is not in the jar");
            }
            Path file = folder.resolve(name);
            Files.copy(in, file); // fails rather than replace a file already there
            return file;
        }
    }
}
