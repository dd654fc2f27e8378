package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.data.DataFingerprint;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.model.Adam;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom();

    /** A checkpoint with every option drawn at random. */
    private Checkpoint sample() {
        return sample(random.nextBoolean() ? Activation.RELU : Activation.TANH,
                random.nextBoolean() ? Initialization.PYTORCH : Initialization.GLOROT,
                (float) random.nextDouble(1e-9, 1e-3),
                random.nextBoolean() ? LearningRateSchedule.CONSTANT : LearningRateSchedule.IWAE);
    }

    /** A checkpoint with the options that formats 1 and 2 did not record at the values those runs had. */
    private Checkpoint sampleWithOldDefaults() {
        return sample(Activation.RELU, Initialization.PYTORCH, Adam.EPSILON, LearningRateSchedule.CONSTANT);
    }

    private Checkpoint sample(Activation activation, Initialization initialization, float adamEpsilon,
                              LearningRateSchedule schedule) {
        return sample(new ModelConfig(1 + random.nextInt(28), 1 + random.nextInt(28), List.of(1 + random.nextInt(100),
                1 + random.nextInt(50)), 1 + random.nextInt(10), LossKind.MSE, 0.5f, activation),
                new TrainingOptions(1e-3f, 64, 7, random.nextLong(), 0, true, initialization, adamEpsilon, schedule));
    }

    /** A checkpoint of a conv model: two convolutions on 8x12 images, a hidden dense layer or none. */
    private Checkpoint convSample() {
        List<Integer> hidden = random.nextBoolean() ? List.of() : List.of(1 + random.nextInt(20));
        return sample(new ModelConfig(8, 12, hidden, 1 + random.nextInt(10), LossKind.BCE, 1f, Activation.TANH,
                Architecture.CONV, List.of(1 + random.nextInt(4), 1 + random.nextInt(4))),
                new TrainingOptions(1e-3f, 64, 7, random.nextLong(), 0, false));
    }

    private Checkpoint sample(ModelConfig model, TrainingOptions training) {
        return sample(new RunConfig("fashion-mnist", model, training));
    }

    private Checkpoint sample(RunConfig config) {
        int n = (int) config.model().parameterCount();
        float[][] arrays = new float[3][n];
        for (float[] a : arrays) {
            for (int i = 0; i < n; i++) {
                a[i] = (float) random.nextGaussian();
            }
        }
        return new Checkpoint(config, identity(), random.nextLong(1L << 40), 3, random.nextInt(100), random.nextDouble(1e6),
                arrays[0], arrays[1], arrays[2]);
    }

    /** A run on a small synthetic data set. */
    static RunIdentity identity() {
        return RunIdentity.start(DataFingerprint.of(SyntheticDigits.generate(30, 4, 5, 1), SyntheticDigits.generate(10, 4, 5, 2)));
    }

    @Test
    void roundTripsEveryField() {
        assertRoundTrips(sample());
    }

    @Test
    void aConvModelRoundTrips() {
        assertRoundTrips(convSample());
    }

    private void assertRoundTrips(Checkpoint written) {
        Path file = dir.resolve("c.vae");
        CheckpointFile.write(file, written);
        Checkpoint read = CheckpointFile.read(file);
        assertEquals(written.config(), read.config());
        assertEquals(written.identity(), read.identity());
        assertEquals(written.step(), read.step());
        assertEquals(written.epochsCompleted(), read.epochsCompleted());
        assertEquals(written.batchesIntoEpoch(), read.batchesIntoEpoch());
        assertEquals(written.partialTrainLossSum(), read.partialTrainLossSum());
        assertArrayEquals(written.parameters(), read.parameters());
        assertArrayEquals(written.firstMoment(), read.firstMoment());
        assertArrayEquals(written.secondMoment(), read.secondMoment());
        assertTrue(Files.notExists(dir.resolve("c.vae.tmp")), "temporary file renamed away");
    }

    private String failure(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("bad.vae"), bytes);
        VaeCudaException e = assertThrows(VaeCudaException.class, () -> CheckpointFile.read(file));
        assertEquals(VaeCudaException.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        return e.getMessage();
    }

    @Test
    void rejectsDamagedFilesWithOneLine() throws IOException {
        byte[] good = CheckpointFile.encode(sample());
        assertTrue(failure(new byte[0]).contains("not a vae-cuda checkpoint"));
        assertTrue(failure("PK\3\4 a zip file".getBytes()).contains("not a vae-cuda checkpoint"));
        byte[] flipped = good.clone();
        int at = 40 + random.nextInt(good.length - 48);
        flipped[at] ^= (byte) (1 << random.nextInt(8));
        assertTrue(failure(flipped).contains("checksum mismatch"), "bit flip at byte " + at);
        byte[] otherVersion = good.clone();
        ByteBuffer.wrap(otherVersion).putInt(CheckpointFile.MAGIC.length, 99);
        assertTrue(failure(otherVersion).contains("format version 99, this program reads versions 1 to 5"));
    }

    /** A configuration that a program writing another architecture would leave, resealed: its field named, in one line. */
    @Test
    void anUnknownArchitectureIsOneLineNamingTheField() throws IOException {
        byte[] good = CheckpointFile.encode(convSample());
        byte[] unknown = CheckpointVersion3.rewritten(good, CheckpointFile.VERSION,
                config -> config.getAsJsonObject("model").addProperty("architecture", "RESNET"));
        assertTrue(failure(unknown).endsWith(": bad configuration: model.architecture must be MLP or CONV, got \"RESNET\""),
                failure(unknown));
        byte[] missing = CheckpointVersion3.rewritten(good, CheckpointFile.VERSION,
                config -> config.getAsJsonObject("model").remove("architecture"));
        assertTrue(failure(missing).endsWith(": bad configuration: architecture is missing"), failure(missing));
        byte[] lowerCase = CheckpointVersion3.rewritten(good, CheckpointFile.VERSION,
                config -> config.getAsJsonObject("model").addProperty("architecture", "conv"));
        assertTrue(failure(lowerCase).endsWith(": bad configuration: model.architecture must be MLP or CONV, got \"conv\""),
                failure(lowerCase));
    }

    /**
     * A file cut anywhere after its configuration says so first, with its length and the one its model
     * needs; cut inside the configuration, or with a parameter count that disagrees with it (a damaged
     * head, not a cut), it is a checksum mismatch.
     */
    @Test
    void aCutFileSaysItIsTruncatedAndHowLongItShouldBe() throws IOException {
        Checkpoint checkpoint = sample();
        byte[] good = CheckpointFile.encode(checkpoint);
        long p = checkpoint.config().model().parameterCount();
        int countAt = (int) (good.length - 8 - 12 * p - 4);
        int jsonEnd = CheckpointFile.MAGIC.length + 8 + ByteBuffer.wrap(good).getInt(CheckpointFile.MAGIC.length + 4);
        for (int length : new int[] {jsonEnd, countAt - 1, countAt + 2, countAt + 4, good.length / 2, good.length - 1}) {
            assertTrue(length >= jsonEnd, "cut after the configuration: " + length);
            assertEquals(dir.resolve("bad.vae") + ": truncated: " + length + " bytes, expected " + good.length
                    + " for its model of " + p + " parameters", failure(Arrays.copyOf(good, length)));
        }
        assertTrue(failure(Arrays.copyOf(good, jsonEnd - 1)).contains(": checksum mismatch (CRC32: "), "cut inside it");
        byte[] otherCount = Arrays.copyOf(good, good.length / 2);
        ByteBuffer.wrap(otherCount).putInt(countAt, (int) p + 1);
        assertTrue(failure(otherCount).contains(": checksum mismatch (CRC32: "), "a count its configuration does not give");
    }

    @Test
    void crc32sArePrintedAsEightHexDigits() throws IOException {
        byte[] damaged = CheckpointFile.encode(sample());
        ByteBuffer.wrap(damaged).putLong(damaged.length - 8, 0xabcL);
        assertTrue(failure(damaged).matches(".*\\(CRC32: stored 00000abc, computed [0-9a-f]{8}\\).*"));
        ByteBuffer.wrap(damaged).putLong(damaged.length - 8, 0x1_0000_0abcL);
        assertTrue(failure(damaged).contains("(CRC32: stored a value wider than 32 bits, computed "));
    }

    /** Format 5: a colour conv model on a folder of images, with the options that prepared them. */
    @Test
    void aColourModelOfAFolderRoundTrips() {
        ModelConfig model = new ModelConfig(8, 8, List.of(), 1 + random.nextInt(10), LossKind.BCE, 1f, Activation.RELU,
                Architecture.CONV, List.of(2, 3), 3);
        FolderOptions folder = random.nextBoolean() ? new FolderOptions(8, 3, 0.25) : new FolderOptions(null, null, 0.1);
        Checkpoint written = sample(new RunConfig("folder", model, new TrainingOptions(1e-3f, 64, 7, 1, 0, false), folder));
        assertRoundTrips(written);
        String json = ConfigJson.toJson(written.config());
        assertTrue(json.contains("\"imageChannels\": 3") && json.contains("\"testFraction\": "), json);
    }

    /** A folder's run without its options, or another data set's with them, is one line naming the field. */
    @Test
    void folderOptionsGoWithAFolderOnly() throws IOException {
        Checkpoint folder = sample(new RunConfig("folder", ModelConfig.pytorchExample(),
                new TrainingOptions(1e-3f, 64, 7, 1, 0, false), new FolderOptions(28, 1, 0.1)));
        byte[] without = CheckpointVersion3.rewritten(CheckpointFile.encode(folder), CheckpointFile.VERSION,
                config -> config.remove("folder"));
        assertTrue(failure(without).endsWith(": bad configuration: folder options go with the data set folder only, got null"
                + " for folder"), failure(without));
        byte[] cifar = CheckpointVersion3.rewritten(CheckpointFile.encode(folder), CheckpointFile.VERSION,
                config -> config.addProperty("dataset", "cifar10"));
        assertTrue(failure(cifar).contains("folder options go with the data set folder only, got FolderOptions["), failure(cifar));
    }

    @Test
    void readsFormatVersion4AsGrey() {
        Checkpoint written = random.nextBoolean() ? sample() : convSample();
        byte[] v4 = CheckpointVersion4.from(CheckpointFile.encode(written));
        assertTrue(!new String(v4, StandardCharsets.UTF_8).contains("imageChannels"), "no imageChannels in format 4");
        Checkpoint read = CheckpointFile.decode(dir.resolve("old.vae"), v4);
        assertEquals(1, read.config().model().imageChannels());
        assertEquals(written.config(), read.config());
        assertEquals(written.identity(), read.identity());
        assertArrayEquals(written.parameters(), read.parameters());
    }

    @Test
    void readsFormatVersion3AsAnMlp() {
        Checkpoint written = sample();
        byte[] v3 = CheckpointVersion3.from(CheckpointFile.encode(written));
        assertTrue(!new String(v3, StandardCharsets.UTF_8).contains("architecture"), "no architecture in format 3");
        Checkpoint read = CheckpointFile.decode(dir.resolve("old.vae"), v3);
        assertEquals(Architecture.MLP, read.config().model().architecture());
        assertEquals(List.of(), read.config().model().channels());
        assertEquals(written.config(), read.config());
        assertEquals(written.identity(), read.identity());
        assertArrayEquals(written.firstMoment(), read.firstMoment());
    }

    @Test
    void readsFormatVersion2WithTheOptionsItsRunsHad() {
        Checkpoint written = sampleWithOldDefaults();
        byte[] v2 = CheckpointVersion2.from(CheckpointFile.encode(written));
        Checkpoint read = CheckpointFile.decode(dir.resolve("old.vae"), v2);
        assertEquals(written.identity(), read.identity());
        assertEquals(written.config(), read.config());
        assertEquals(written.step(), read.step());
        assertArrayEquals(written.parameters(), read.parameters());
    }

    @Test
    void readsFormatVersion1WithoutAnIdentity() {
        Checkpoint written = sampleWithOldDefaults();
        byte[] v1 = CheckpointVersion1.from(CheckpointFile.encode(written));
        Checkpoint read = CheckpointFile.decode(dir.resolve("old.vae"), v1);
        assertEquals(null, read.identity());
        assertEquals(written.config(), read.config());
        assertEquals(written.step(), read.step());
        assertArrayEquals(written.secondMoment(), read.secondMoment());
    }

    @Test
    void aFailedWriteLeavesTheOldCheckpoint() throws IOException {
        Path file = dir.resolve("c.vae");
        Checkpoint first = sample();
        CheckpointFile.write(file, first);
        Files.createDirectory(dir.resolve("c.vae.tmp"));
        assertThrows(VaeCudaException.class, () -> CheckpointFile.write(file, sample()));
        assertArrayEquals(first.parameters(), CheckpointFile.read(file).parameters());
    }
}
