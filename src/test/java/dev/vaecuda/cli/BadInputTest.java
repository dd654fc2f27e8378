package dev.vaecuda.cli;

import static dev.vaecuda.data.IdxFixtures.IMAGES_MAGIC;
import static dev.vaecuda.data.IdxFixtures.gzip;
import static dev.vaecuda.data.IdxFixtures.idx;
import static dev.vaecuda.data.IdxFixtures.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.IdxFixtures;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.CheckpointVersion1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to `train` (and to the commands that read a checkpoint) through the real command
 * line: each is answered by one line, {@code error: ...}, naming the file or option and what was
 * expected, with the documented exit code (2 invalid usage, 1 failure while running), and no
 * checkpoint is written or changed.
 */
class BadInputTest {
    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    @TempDir
    static Path shared;

    /** 300 + 100 synthetic 28x28 images, and a run of one epoch on them. */
    private static Path data;
    private static Path finished;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainOneEpoch() {
        data = shared.resolve("data");
        SyntheticDigits.writeIdx(data, 300, 100, 28, 28);
        finished = shared.resolve("finished");
        assertEquals(0, CliRunner.run(train(data, finished, "--epochs", "1")).exitCode());
    }

    private static String[] train(Path dataDir, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--device", "cpu", "--threads", "2", "--data",
                dataDir.toString(), "--out", out.toString(), "--hidden", "32", "--latent", "4", "--batch-size", "50"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private Path copyOfData() throws IOException {
        Path copy = Files.createDirectories(dir.resolve("data"));
        try (Stream<Path> files = Files.list(data)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void replace(Path dataDir, String name, byte[] content) {
        IdxFixtures.write(dataDir, name, content);
    }

    /** A damage to the data folder, and what the error line must say. */
    static Stream<Arguments> damagedData() {
        List<Arguments> cases = List.of(
            damage("wrong magic", d -> {
                byte[] bytes = read(d.resolve(TRAIN_IMAGES));
                ByteBuffer.wrap(bytes).putInt(0, 0x00000903);
                replace(d, TRAIN_IMAGES, bytes);
            }, TRAIN_IMAGES + ": wrong magic number: expected 0x00000803"),
            damage("labels where images belong", d -> replace(d, TRAIN_IMAGES, read(d.resolve(TRAIN_LABELS))),
                    TRAIN_IMAGES + ": wrong number of dimensions: expected 3"),
            damage("truncated", d -> {
                byte[] bytes = read(d.resolve(TRAIN_IMAGES));
                replace(d, TRAIN_IMAGES, Arrays.copyOf(bytes, bytes.length / 2));
            }, TRAIN_IMAGES + ": truncated: header says 300 images of 28x28 (235200 bytes) but the file has 117592 bytes"),
            damage("trailing bytes", d -> {
                byte[] bytes = read(d.resolve(TEST_LABELS));
                replace(d, TEST_LABELS, Arrays.copyOf(bytes, bytes.length + 7));
            }, TEST_LABELS + ": trailing bytes after the data: header says 100 labels (100 bytes) but the file has 107"),
            damage("fewer labels than images", d -> replace(d, TRAIN_LABELS, labels(new byte[299])),
                    "image and label counts differ: "),
            damage("a header that claims 2^31 - 1 images", d -> replace(d, TEST_IMAGES,
                    idx(IMAGES_MAGIC, new int[] {Integer.MAX_VALUE, 28, 28}, new byte[100])),
                    TEST_IMAGES + ": implausible header: 2147483647 images of 28x28"),
            damage("zero rows", d -> replace(d, TEST_IMAGES, idx(IMAGES_MAGIC, new int[] {100, 0, 28}, new byte[0])),
                    TEST_IMAGES + ": bad header: rows: expected a positive number but found 0"),
            damage("empty file", d -> replace(d, TEST_LABELS, new byte[0]), TEST_LABELS + ": empty file"),
            damage("a cut .gz", d -> {
                byte[] gz = gzip(read(d.resolve(TRAIN_IMAGES)));
                replace(d, TRAIN_IMAGES + ".gz", Arrays.copyOf(gz, gz.length / 2));
                deleteQuietly(d.resolve(TRAIN_IMAGES));
            }, TRAIN_IMAGES + ".gz: truncated gzip stream"),
            damage("a .gz with a bad CRC", d -> {
                byte[] gz = gzip(read(d.resolve(TRAIN_LABELS)));
                gz[gz.length - 8] ^= 0x55;
                replace(d, TRAIN_LABELS + ".gz", gz);
                deleteQuietly(d.resolve(TRAIN_LABELS));
            }, TRAIN_LABELS + ".gz: broken gzip stream: Corrupt GZIP trailer"),
            damage("a label outside 0..9", d -> {
                byte[] bytes = read(d.resolve(TRAIN_LABELS));
                bytes[8 + 17] = 11;
                replace(d, TRAIN_LABELS, bytes);
            }, "train labels: expected 0..9 for mnist but item 17 has 11"),
            damage("a missing file", d -> deleteQuietly(d.resolve(TEST_LABELS)), TEST_LABELS + ": file not found"),
            damage("images of more pixels than a model takes", d -> {
                replace(d, TRAIN_IMAGES, idx(IMAGES_MAGIC, new int[] {1, 1, (1 << 24) + 1}, new byte[(1 << 24) + 1]));
                replace(d, TRAIN_LABELS, labels(new byte[1]));
            }, "the images are 1x1x16777217, more than the 16777216 values a model takes"),
            damage("test images of another size", d -> {
                SyntheticDigits.writeIdx(d.resolve("other"), 10, 100, 32, 32);
                replace(d, TEST_IMAGES, read(d.resolve("other").resolve(TEST_IMAGES)));
            }, "the test images are 1x32x32, the model expects 1x28x28"));
        return cases.stream();
    }

    private static Arguments damage(String what, Consumer<Path> damage, String expected) {
        return Arguments.of(what, damage, expected);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedData")
    void damagedDataIsOneLineAndExit1(String what, Consumer<Path> damage, String expected) throws IOException {
        Path damaged = copyOfData();
        damage.accept(damaged);
        Path out = dir.resolve("out");
        CliRunner.run(train(damaged, out)).assertOneLineError(1, expected);
        assertTrue(Files.notExists(out.resolve("checkpoint.vae")), what);
    }

    @Test
    void imagesOfAnotherSizeTrainAModelOfTheirSizeButDoNotResumeAnother() throws IOException {
        Path large = dir.resolve("large");
        SyntheticDigits.writeIdx(large, 120, 40, 32, 32);
        Path fresh = dir.resolve("fresh");
        CliRunner accepted = CliRunner.run(train(large, fresh, "--epochs", "1"));
        assertEquals(0, accepted.exitCode(), accepted.toString());
        assertTrue(Files.readString(fresh.resolve("config.json")).contains("\"imageHeight\": 32"));

        CliRunner resumed = CliRunner.run("train", "--device", "cpu", "--data", large.toString(), "--out",
                dir.resolve("resumed").toString(), "--resume", finished.resolve("checkpoint.vae").toString(), "--epochs", "2");
        resumed.assertOneLineError(2, large + " holds other data (data sha256 ");
        // a checkpoint of format 1 has no data fingerprint: the model's image size still refuses them
        Path old = Files.write(dir.resolve("old.vae"), CheckpointVersion1.from(read(finished.resolve("checkpoint.vae"))));
        CliRunner resumedOld = CliRunner.run("train", "--device", "cpu", "--data", large.toString(), "--out",
                dir.resolve("resumed").toString(), "--resume", old.toString(), "--epochs", "2");
        resumedOld.assertOneLineError(1, "the training images are 1x32x32, the model of the checkpoint expects 1x28x28");
    }

    /** A damage to the finished run's checkpoint, and what the error line must say. */
    static Stream<Arguments> damagedCheckpoints() {
        return Stream.of(
            Arguments.of("another format version", (Consumer<byte[]>) b -> ByteBuffer.wrap(b).putInt(8, 6),
                    "checkpoint format version 6, this program reads versions 1 to 5"),
            Arguments.of("a flipped bit", (Consumer<byte[]>) b -> {
                int at = 12 + new SplittableRandom().nextInt(b.length - 12);
                b[at] ^= (byte) (1 << new SplittableRandom().nextInt(8));
            }, "checksum mismatch (CRC32: stored "),
            Arguments.of("another model's shape", (Consumer<byte[]>) b -> reseal(replaceText(b, "\"latent\": 4", "\"latent\": 5")),
                    "the model of its configuration has 51514 parameters, the file holds 51416: another model's shape"));
    }

    /** The same bytes with one text replaced by another of the same length. */
    private static byte[] replaceText(byte[] bytes, String text, String replacement) {
        String latin = new String(bytes, StandardCharsets.ISO_8859_1);
        assertTrue(latin.contains(text) && text.length() == replacement.length(), text);
        byte[] replaced = latin.replace(text, replacement).getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(replaced, 0, bytes, 0, bytes.length);
        return bytes;
    }

    /** A correct CRC32 again after a deliberate change, as a program writing another model would leave it. */
    private static void reseal(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        ByteBuffer.wrap(bytes).putLong(bytes.length - 8, crc.getValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedCheckpoints")
    void damagedCheckpointsAreOneLineAndExit1(String what, Consumer<byte[]> damage, String expected) throws IOException {
        byte[] bytes = read(finished.resolve("checkpoint.vae"));
        damage.accept(bytes);
        Path file = Files.write(dir.resolve("damaged.vae"), bytes);
        CliRunner.run(train(data, dir.resolve("out"), "--resume", file.toString(), "--epochs", "2"))
                .assertOneLineError(1, file + ": " + expected);
        CliRunner.run("sample", "--checkpoint", file.toString(), "--out", dir.resolve("s.png").toString())
                .assertOneLineError(1, file + ": " + expected);
        assertTrue(Files.notExists(dir.resolve("out").resolve("checkpoint.vae")), what);
    }

    @Test
    void aTruncatedCheckpointIsOneLineAndExit1() throws IOException {
        byte[] bytes = read(finished.resolve("checkpoint.vae"));
        Path file = Files.write(dir.resolve("cut.vae"), Arrays.copyOf(bytes, bytes.length - 1000));
        CliRunner.run(train(data, dir.resolve("out"), "--resume", file.toString(), "--epochs", "2"))
                .assertOneLineError(1, file + ": truncated: " + (bytes.length - 1000) + " bytes, expected " + bytes.length
                        + " for its model of ");
    }

    @Test
    void aMissingCheckpointIsOneLineAndExit1() {
        Path file = dir.resolve("nowhere.vae");
        CliRunner.run(train(data, dir.resolve("out"), "--resume", file.toString(), "--epochs", "2"))
                .assertOneLineError(1, file + ": no such checkpoint file");
    }

    @Test
    void optionsThatDisagreeWithTheResumedCheckpointAreUsageErrors() {
        String checkpoint = finished.resolve("checkpoint.vae").toString();
        for (String[] option : new String[][] {{"--hidden", "64", "[64]", "[32]"}, {"--lr", "0.01", "0.01", "0.001"},
                {"--binarize", null, "true", "false"}}) {
            List<String> args = new ArrayList<>(List.of("train", "--device", "cpu", "--data", data.toString(), "--out",
                    dir.resolve("out").toString(), "--resume", checkpoint, "--epochs", "2", option[0]));
            if (option[1] != null) {
                args.add(option[1]);
            }
            CliRunner.run(args.toArray(String[]::new)).assertOneLineError(2, option[0] + " " + option[2]
                    + " differs from the checkpoint's " + option[3] + ": a resumed run keeps");
        }
    }

    @Test
    void anOutputFolderThatCannotBeWrittenIsOneLineAndExit1() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
        CliRunner.run(train(data, file.resolve("run"))).assertOneLineError(1, file.resolve("run")
                + ": cannot write output folder: Not a directory");
    }

    @Test
    void aCheckpointThatCannotBeWrittenIsOneLineAndExit1() throws IOException {
        Path out = dir.resolve("out");
        // the temporary file's name taken by a folder: the write fails where a full disk would
        Files.createDirectories(out.resolve("checkpoint.vae.tmp"));
        CliRunner.run(train(data, out, "--epochs", "1")).assertOneLineError(1, out.resolve("checkpoint.vae")
                + ": cannot write checkpoint: Is a directory: " + out.resolve("checkpoint.vae.tmp"));
        assertTrue(Files.notExists(out.resolve("checkpoint.vae")));
    }

    @Test
    void anAbsurdLearningRateStopsAtTheStepsWhereTheLossWentBad() {
        Path out = dir.resolve("out");
        CliRunner.run(train(data, out, "--lr", "1e6", "--epochs", "2"))
                .assertOneLineError(1, "training diverged: the training loss is NaN at a step in 1..6 (epoch 1);"
                        + " no checkpoint was written; a lower --lr may help");
        assertTrue(Files.notExists(out.resolve("checkpoint.vae")));
    }
}
