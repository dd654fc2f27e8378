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
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer over the checkpoint reader. Half the cases damage a valid file as
 * it would be damaged on disk (the CRC catches them); the other half re-seal the damaged bytes
 * with a correct CRC, so the parser behind the checksum is exercised too: lengths, counts, the
 * JSON configuration. Only a successful read or a {@link VaeCudaException} may come out, within
 * 2 s and {@link #MAX_BYTES_PER_CASE} of allocation (the file is under 1 KiB; no count in it may
 * make the reader allocate more than the file holds).
 */
class CheckpointFuzzTest {
    private static final int CASES = 3000;
    private static final long MAX_BYTES_PER_CASE = 4 << 20;

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
            if (random.nextBoolean()) {
                damaged = reseal(damaged);
            }
            byte[] bytes = damaged;
            int at = c;
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                long allocated = HeapAllocations.whileRunning(() -> {
                    try {
                        CheckpointFile.decode(Path.of("case.vae"), bytes);
                    } catch (VaeCudaException expected) {
                        // the documented outcome for a bad file
                    } catch (Throwable other) {
                        fail("case " + at + " (seed " + seed + "): " + other, other);
                    }
                });
                assertTrue(allocated <= MAX_BYTES_PER_CASE, "case " + at + " (seed " + seed + ") allocated " + allocated + " bytes");
            }, () -> "case " + at + " (seed " + seed + ") did not finish");
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
