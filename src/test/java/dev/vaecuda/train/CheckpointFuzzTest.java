package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.data.ByteMutations;
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
 * JSON configuration. Only a successful read or a {@link VaeCudaException} may come out.
 */
class CheckpointFuzzTest {
    private static final int CASES = 3000;

    @Test
    void damagedCheckpointsOnlyEverRaiseTheDocumentedError() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        float[] p = new float[37];
        RunConfig config = new RunConfig("mnist", new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f),
                new TrainingOptions(1e-3f, 128, 10, 1, 0, false));
        byte[] valid = CheckpointFile.encode(new Checkpoint(config, 5, 1, 0, 0, p, p.clone(), p.clone()));
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
                try {
                    CheckpointFile.decode(Path.of("case.vae"), bytes);
                } catch (VaeCudaException expected) {
                    // the documented outcome for a bad file
                } catch (Throwable other) {
                    fail("case " + at + " (seed " + seed + "): " + other, other);
                }
            });
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
