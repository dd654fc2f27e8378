package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over the IDX reader: valid image and label files, plain and gzip,
 * are damaged at random (bit flips, overwritten header fields with extreme values, truncation,
 * inserted and appended bytes) and read back. The only acceptable outcomes are a successful
 * read or a {@link DataException}; anything else, a case that takes over 2 s, or one that
 * allocates more than {@link #MAX_BYTES_PER_CASE} (a header may claim up to 2^31 items), fails.
 * The seed is fresh each run and printed in any failure.
 */
class IdxReaderFuzzTest {
    private static final int CASES = 3000;
    // the reader's stream buffers and at most the 1 MiB first chunk of a gzip stream, with room to spare
    private static final long MAX_BYTES_PER_CASE = 8 << 20;

    @TempDir
    Path dir;

    @Test
    void damagedFilesOnlyEverRaiseDataException() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        ImageSet set = SyntheticDigits.generate(20, 7, 5, seed);
        byte[][] seeds = {
            IdxFixtures.images(set.count(), set.rows(), set.cols(), set.pixels()),
            IdxFixtures.labels(set.labels()),
        };
        for (int c = 0; c < CASES; c++) {
            boolean labels = random.nextBoolean();
            byte[] content = ByteMutations.mutate(seeds[labels ? 1 : 0].clone(), random);
            if (random.nextInt(3) == 0) {
                content = IdxFixtures.gzip(content);
                if (random.nextBoolean()) {
                    content = ByteMutations.mutate(content, random);
                }
            }
            Path file = IdxFixtures.write(dir, "case", content);
            int at = c;
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                long allocated = HeapAllocations.whileRunning(() -> {
                    try {
                        if (labels) {
                            IdxReader.readLabels(file);
                        } else {
                            IdxReader.readImages(file);
                        }
                    } catch (DataException expected) {
                        // the documented outcome for a bad file
                    } catch (Throwable other) {
                        fail("case " + at + " (seed " + seed + "): " + other, other);
                    }
                });
                assertTrue(allocated <= MAX_BYTES_PER_CASE, "case " + at + " (seed " + seed + ") allocated " + allocated + " bytes");
            }, () -> "case " + at + " (seed " + seed + ") did not finish");
        }
    }
}
