package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.data.ByteMutations;
import dev.vaecuda.data.HeapAllocations;
import dev.vaecuda.model.ModelConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer over the checkpoint reader. Half the cases damage a valid file as
 * it would be damaged on disk: those must be refused, with a checksum mismatch when the magic and
 * format version are intact (or as truncated, when shorter than the valid file), else for the
 * head. The other half re-seal the damaged bytes with a correct CRC, so the parser behind the checksum is exercised too (lengths, counts, the JSON
 * configuration): they read or raise a {@link VaeCudaException}. Nothing else may come out,
 * within 2 s and {@link #BYTES_PER_FILE_BYTE} times the file's length plus a fixed allowance of
 * allocation (no count in a file may make the reader allocate more than the file holds).
 */
class CheckpointFuzzTest {
    private static final int CASES = 3000;
    /** Cases whose allocation is not bounded: the first use of each path loads classes and fills caches. */
    private static final int WARM_UP = 300;
    /** A JSON parse, its exception and the stack trace it fills in: measured at most 52 KiB. */
    private static final long FIXED_BYTES = 256 << 10;
    private static final long BYTES_PER_FILE_BYTE = 8;
    /** The magic and the format version, checked before the CRC. */
    private static final int HEAD_BYTES = CheckpointFile.MAGIC.length + Integer.BYTES;

    @Test
    void damagedCheckpointsOnlyEverRaiseTheDocumentedError() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        RunConfig config = new RunConfig("mnist", new ModelConfig(2, 3, List.of(4), 1, LossKind.BCE, 1f),
                new TrainingOptions(1e-3f, 128, 10, 1, 0, false));
        float[] p = new float[(int) config.model().parameterCount()];
        byte[] valid = CheckpointFile.encode(new Checkpoint(config, CheckpointFileTest.identity(), 5, 1, 2, 3.5, p, p.clone(), p.clone()));
        int jsonStart = CheckpointFile.MAGIC.length + 8;
        for (int c = 0; c < CASES; c++) {
            byte[] damaged = random.nextInt(4) == 0
                    ? damageJson(valid, jsonStart, random)
                    : ByteMutations.mutate(valid.clone(), random);
            boolean resealed = random.nextBoolean();
            if (resealed) {
                damaged = reseal(damaged);
            }
            byte[] bytes = damaged;
            boolean mustRead = Arrays.equals(damaged, valid);
            boolean mustFailChecksum = !resealed && !mustRead && damaged.length >= HEAD_BYTES + 8
                    && Arrays.equals(damaged, 0, HEAD_BYTES, valid, 0, HEAD_BYTES);
            boolean mustFail = !resealed && !mustRead;
            long limit = FIXED_BYTES + BYTES_PER_FILE_BYTE * bytes.length;
            boolean warmingUp = c < WARM_UP;
            String at = "case " + c + " (seed " + seed + ")";
            Runnable decode = () -> {
                try {
                    CheckpointFile.decode(Path.of("case.vae"), bytes);
                    assertTrue(!mustFail, at + ": damaged and not re-sealed, but read");
                } catch (VaeCudaException e) {
                    assertTrue(!mustRead, at + ": undamaged, but " + e.getMessage());
                    assertTrue(!mustFailChecksum || e.getMessage().contains("checksum mismatch")
                            || bytes.length < valid.length && e.getMessage().contains(": truncated: "),
                            at + ": damaged behind an intact head, not re-sealed: " + e.getMessage());
                } catch (Throwable other) {
                    fail(at + ": " + other, other);
                }
            };
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                decode.run();
                // measured on a second decode of the same bytes: the first use of a rare path (one first
                // met after the warm-up) loads classes and fills caches, which is not the file's doing
                long allocated = HeapAllocations.whileRunning(decode);
                assertTrue(warmingUp || allocated <= limit, at + " allocated " + allocated + " bytes, allowed " + limit);
            }, () -> at + " did not finish");
        }
    }

    /** Replaces one character of the configuration JSON, keeping its length. */
    private static byte[] damageJson(byte[] valid, int jsonStart, SplittableRandom random) {
        byte[] copy = valid.clone();
        int length = ByteBuffer.wrap(copy).getInt(jsonStart - 4);
        String junk = "{}[]\":,0-9eE.nultrfs \\";
        copy[jsonStart + random.nextInt(length)] = (byte) junk.charAt(random.nextInt(junk.length()));
        return copy;
    }

    /** Recomputes the trailing CRC32 so the damage passes the checksum. */
    private static byte[] reseal(byte[] bytes) {
        if (bytes.length < 8) {
            return bytes;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        ByteBuffer.wrap(bytes).putLong(bytes.length - 8, crc.getValue());
        return bytes;
    }
}
