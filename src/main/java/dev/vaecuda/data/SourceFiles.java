package dev.vaecuda.data;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * What a prepared folder was made from: every image file's relative name, size and SHA-256, in the
 * order of the listing (train then test). Equal lists mean the same pictures in the same places.
 */
record SourceFiles(List<File> files) {
    record File(String name, long size, byte[] sha256) {
        boolean sameAs(File other) {
            return name.equals(other.name) && size == other.size && Arrays.equals(sha256, other.sha256);
        }
    }

    /** Reads and hashes every file of the listing, several at once; a file that cannot be read hashes as empty. */
    static SourceFiles of(FolderListing listing, PreparationProgress progress) {
        List<FolderListing.Entry> entries = new ArrayList<>(listing.train());
        entries.addAll(listing.test());
        File[] files = new File[entries.size()];
        IntStream.range(0, files.length).parallel().forEach(i -> {
            FolderListing.Entry entry = entries.get(i);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(entry.path());
            } catch (IOException e) {
                // the decoder meets it again and skips it, naming the reason
                bytes = new byte[0];
            }
            files[i] = new File(entry.name(), bytes.length, ContentHash.sha256(bytes));
            progress.advance();
        });
        return new SourceFiles(List.of(files));
    }

    boolean sameAs(SourceFiles other) {
        if (files.size() != other.files.size()) {
            return false;
        }
        for (int i = 0; i < files.size(); i++) {
            if (!files.get(i).sameAs(other.files.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** What changed from {@code before} to this: "2 added, 1 removed, 3 changed (first: cats/a.jpg)". */
    String changesFrom(SourceFiles before) {
        Map<String, File> old = new HashMap<>();
        before.files.forEach(f -> old.put(f.name(), f));
        int added = 0, changed = 0;
        Optional<String> first = Optional.empty();
        for (File file : files) {
            File was = old.remove(file.name());
            if (was == null || !was.sameAs(file)) {
                if (was == null) {
                    added++;
                } else {
                    changed++;
                }
                first = first.or(() -> Optional.of(file.name()));
            }
        }
        int removed = old.size();
        if (first.isEmpty() && removed > 0) {
            first = Optional.of(old.keySet().stream().sorted().findFirst().orElseThrow());
        }
        return added + removed + changed == 0 ? "same files, another order"
                : added + " added, " + removed + " removed, " + changed + " changed (first: " + first.orElseThrow() + ")";
    }
}
