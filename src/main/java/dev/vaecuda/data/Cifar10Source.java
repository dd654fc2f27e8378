package dev.vaecuda.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * {@code --dataset cifar10}: the binary version of CIFAR-10, {@code data_batch_1.bin} ..
 * {@code data_batch_5.bin} (train, in that order) and {@code test_batch.bin}, each a run of records
 * of 1 label byte then 3072 bytes: the red, green and blue planes of a 32x32 image, row-major, which
 * is already NCHW. Read as plain files (in the folder or its {@code cifar-10-batches-bin/}, as the
 * archive unpacks) or straight from {@code cifar-10-binary.tar.gz} in the folder.
 */
final class Cifar10Source {
    static final String ARCHIVE = "cifar-10-binary.tar.gz";
    static final String UNPACKED = "cifar-10-batches-bin";
    static final List<String> TRAIN_BATCHES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    static final String TEST_BATCH = "test_batch.bin";
    private static final List<String> ALL_BATCHES = Stream.concat(TRAIN_BATCHES.stream(), Stream.of(TEST_BATCH))
            .toList();
    static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");
    static final int SIDE = 32, CHANNELS = 3;
    static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;
    static final int RECORD_BYTES = 1 + IMAGE_BYTES;
    private static final String HOW_TO_GET = "run data/fetch-cifar10.sh";

    private Cifar10Source() {
    }

    static LoadedData load(DataRequest request) {
        if (request.imageSize().filter(s -> s != SIDE).isPresent() || request.channels().filter(c -> c != CHANNELS)
                .isPresent()) {
            throw new DataException("cifar10 is 3x32x32: --image-size and --image-channels other than 32 and 3"
                    + " are for --dataset folder");
        }
        Path directory = request.directory().orElse(Path.of("data", DataSources.CIFAR10));
        if (!Files.isDirectory(directory)) {
            throw new DataException(directory, (Files.exists(directory) ? "a file, not a folder"
                    : "data folder not found") + "; expected CIFAR-10's binary batches or " + ARCHIVE + "; " + HOW_TO_GET);
        }
        Map<String, Batch> batches = batches(directory);
        ImageSet train = join(TRAIN_BATCHES.stream().map(batches::get).toList());
        ImageSet test = join(List.of(batches.get(TEST_BATCH)));
        return new LoadedData(train, test, CLASS_NAMES, DataFingerprint.of(train, test), "cifar10 " + directory
                + ": " + train.count() + " train / " + test.count() + " test images of 3x32x32, 10 classes");
    }

    /** One batch file: where it came from (for messages) and its bytes. */
    private record Batch(String source, byte[] bytes) {
    }

    private static Map<String, Batch> batches(Path directory) {
        for (Path folder : List.of(directory, directory.resolve(UNPACKED))) {
            if (Files.isRegularFile(folder.resolve(TEST_BATCH))) {
                Map<String, Batch> batches = new HashMap<>();
                for (String name : ALL_BATCHES) {
                    Path file = folder.resolve(name);
                    try {
                        batches.put(name, new Batch(file.toString(), Files.readAllBytes(file)));
                    } catch (NoSuchFileException e) {
                        throw new DataException(file, "file not found (" + TEST_BATCH + " is there); " + HOW_TO_GET);
                    } catch (IOException e) {
                        throw new DataException(file, "cannot read: " + e, e);
                    }
                }
                return batches;
            }
        }
        Path archive = directory.resolve(ARCHIVE);
        if (!Files.isRegularFile(archive)) {
            throw new DataException(directory, "no CIFAR-10 here: expected " + TEST_BATCH + " and data_batch_1..5.bin"
                    + " (or in " + UNPACKED + "/), or " + ARCHIVE + "; " + HOW_TO_GET);
        }
        return fromArchive(archive);
    }

    private static Map<String, Batch> fromArchive(Path archive) {
        Map<String, Batch> batches = new HashMap<>();
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
            TarEntries.read(in, name -> ALL_BATCHES.contains(baseName(name)),
                    (name, bytes) -> batches.put(baseName(name), new Batch(archive + "!" + name, bytes)));
        } catch (ZipException e) {
            throw new DataException(archive, "not a gzip archive, or a damaged one: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataException(archive, e.getMessage() != null ? e.getMessage() : e.toString(), e);
        }
        for (String name : ALL_BATCHES) {
            if (!batches.containsKey(name)) {
                throw new DataException(archive, "holds no " + name + "; expected CIFAR-10's binary version; "
                        + HOW_TO_GET);
            }
        }
        return batches;
    }

    private static String baseName(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /** The images of these batches one after another, checking each record's length and label. */
    private static ImageSet join(List<Batch> batches) {
        int count = 0;
        for (Batch batch : batches) {
            if (batch.bytes().length == 0 || batch.bytes().length % RECORD_BYTES != 0) {
                throw new DataException(batch.source() + ": " + batch.bytes().length + " bytes: expected a multiple of "
                        + RECORD_BYTES + " (1 label byte + 3x32x32 pixels per image)");
            }
            count += batch.bytes().length / RECORD_BYTES;
        }
        byte[] pixels = new byte[count * IMAGE_BYTES];
        byte[] labels = new byte[count];
        int image = 0;
        for (Batch batch : batches) {
            byte[] bytes = batch.bytes();
            for (int at = 0; at < bytes.length; at += RECORD_BYTES, image++) {
                int label = Byte.toUnsignedInt(bytes[at]);
                if (label >= CLASS_NAMES.size()) {
                    throw new DataException(batch.source() + ": record " + at / RECORD_BYTES + " has label " + label
                            + ", expected 0..9");
                }
                labels[image] = bytes[at];
                System.arraycopy(bytes, at + 1, pixels, image * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new ImageSet(pixels, count, SIDE, SIDE, labels, CHANNELS);
    }
}
