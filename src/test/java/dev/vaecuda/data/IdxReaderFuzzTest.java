package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over the IDX reader: valid image and label files, plain and gzip,
 * are damaged at random (bit flips, overwritten header fields with extreme values, truncation,
 * inserted and appended bytes) and read back. Each case must end in its documented outcome: a
 * file whose header is intact but whose data is shorter or longer than the header says raises
 * a {@link DataException} saying "truncated" or "trailing bytes", one of the right length reads;
 * any other damage reads or raises a {@link DataException}. Nothing else may come out, no case
 * may take over 2 s, and none may allocate more than a fixed allowance for the stream buffers
 * (and the first 1 MiB chunk of a gzip stream, whose length is unknown until it is read) plus
 * {@link #BYTES_PER_FILE_BYTE} times the file's length: a header may claim up to 2^31 items. The
 * seed is fresh each run and printed in any failure.
 */
class IdxReaderFuzzTest {
    private static final int CASES = 3000;
    /** Cases whose allocation is not bounded: the first use of each path loads classes and fills caches. */
    private static final int WARM_UP = 300;
    /** The reader's 64 KiB stream buffers, gzip's inflater and an exception: measured at most 156 KiB. */
    private static final long FIXED_BYTES = 256 << 10;
    private static final long GZIP_FIRST_CHUNK_BYTES = 1 << 20;
    private static final long BYTES_PER_FILE_BYTE = 4;
    private static final String READ = "a successful read";

    @TempDir
    Path dir;

    @Test
    void damagedFilesRaiseTheDocumentedError() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        ImageSet set = SyntheticDigits.generate(20, 7, 5, seed);
        byte[][] seeds = {
            IdxFixtures.images(set.count(), set.rows(), set.cols(), set.pixels()),
            IdxFixtures.labels(set.labels()),
        };
        for (int c = 0; c < CASES; c++) {
            boolean labels = random.nextBoolean();
            byte[] valid = seeds[labels ? 1 : 0];
            byte[] content = ByteMutations.mutate(valid.clone(), random);
            String expected = expectedOutcome(valid, content, labels ? 8 : 16);
            boolean gzip = random.nextInt(3) == 0;
            long allowed = FIXED_BYTES + BYTES_PER_FILE_BYTE * content.length;
            if (gzip) {
                content = IdxFixtures.gzip(content);
                allowed += GZIP_FIRST_CHUNK_BYTES;
                if (random.nextBoolean()) {
                    content = ByteMutations.mutate(content, random);
                    expected = null;
                }
            }
            Path file = IdxFixtures.write(dir, "case", content);
            boolean warmingUp = c < WARM_UP;
            String outcome = expected, at = "case " + c + " (seed " + seed + ")";
            long limit = allowed;
            Runnable read = () -> {
                try {
                    if (labels) {
                        IdxReader.readLabels(file);
                    } else {
                        IdxReader.readImages(file);
                    }
                    assertTrue(outcome == null || outcome.equals(READ), at + ": read, expected " + outcome);
                } catch (DataException e) {
                    assertTrue(outcome == null || e.getMessage().contains(outcome), at + ": " + e.getMessage()
                            + ", expected " + outcome);
                } catch (Throwable other) {
                    fail(at + ": " + other, other);
                }
            };
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                read.run();
                // measured on a second read of the same file: the first use of a rare path loads classes
                long allocated = HeapAllocations.whileRunning(read);
                assertTrue(warmingUp || allocated <= limit, at + " allocated " + allocated + " bytes, allowed " + limit);
            }, () -> at + " did not finish");
        }
    }

    /**
     * What a file of {@code damaged} bytes must give when its header ({@code headerBytes}) is the
     * valid file's: by its length, a read, "truncated" or "trailing bytes"; null (a read or any
     * DataException) when the header was damaged.
     */
    private static String expectedOutcome(byte[] valid, byte[] damaged, int headerBytes) {
        if (damaged.length < headerBytes || !Arrays.equals(valid, 0, headerBytes, damaged, 0, headerBytes)) {
            return null;
        }
        return damaged.length < valid.length ? "truncated" : damaged.length > valid.length ? "trailing bytes" : READ;
    }
}
