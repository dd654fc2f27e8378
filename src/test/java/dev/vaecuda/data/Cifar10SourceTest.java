package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10's binary format in small files made here: plain, unpacked as the archive does, and in a .tar.gz. */
class Cifar10SourceTest {
    private static final List<String> BATCHES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin");

    @TempDir
    Path tmp;

    /** Batch b holds b + 1 records; record r of batch b has label (b + r) % 10 and every byte of plane c = 10b + r + c. */
    private static void writeBatches(Path folder) throws IOException {
        Files.createDirectories(folder);
        for (int b = 0; b < BATCHES.size(); b++) {
            byte[] bytes = new byte[(b + 1) * Cifar10Source.RECORD_BYTES];
            for (int r = 0; r <= b; r++) {
                int at = r * Cifar10Source.RECORD_BYTES;
                bytes[at] = (byte) ((b + r) % 10);
                for (int c = 0; c < 3; c++) {
                    java.util.Arrays.fill(bytes, at + 1 + c * 1024, at + 1 + (c + 1) * 1024, (byte) (10 * b + r + c));
                }
            }
            Files.write(folder.resolve(BATCHES.get(b)), bytes);
        }
        Files.writeString(folder.resolve("batches.meta.txt"), "airplane\n");
    }

    private static LoadedData load(Path dir) {
        return DataSources.load(new DataRequest(DataSources.CIFAR10, Optional.of(dir), Optional.empty(),
                Optional.empty(), Optional.empty(), 0.1, false), line -> { });
    }

    private static void assertSynthetic(LoadedData data) {
        ImageSet train = data.train(), test = data.test();
        assertEquals(1 + 2 + 3 + 4 + 5, train.count());
        assertEquals(6, test.count());
        assertEquals(3, train.channels());
        assertEquals(32, train.rows());
        assertEquals("truck", data.classNames().get(9));
        // train image 3 is batch 2's first record (batch 1 holds 1, batch 2 holds 2): label 1, planes 10, 11, 12
        assertEquals(1, train.labels()[1]);
        assertEquals(2, train.labels()[3]);
        assertArrayEquals(new byte[] {20, 21, 22}, new byte[] {train.pixels()[3 * 3072], train.pixels()[3 * 3072 + 1024],
                train.pixels()[3 * 3072 + 2048]});
        assertEquals(50 + 5 + 2, test.pixels()[5 * 3072 + 2048 + 1023]);
    }

    @Test
    void plainBatchesInTheFolderOrInItsUnpackedSubfolder() throws IOException {
        writeBatches(tmp.resolve("plain"));
        assertSynthetic(load(tmp.resolve("plain")));
        writeBatches(tmp.resolve("unpacked/cifar-10-batches-bin"));
        LoadedData data = load(tmp.resolve("unpacked"));
        assertSynthetic(data);
        assertEquals("cifar10 " + tmp.resolve("unpacked") + ": 15 train / 6 test images of 3x32x32, 10 classes",
                data.description());
    }

    @Test
    void theArchiveAsDistributedMadeByTar() throws Exception {
        Path staging = tmp.resolve("staging");
        writeBatches(staging.resolve("cifar-10-batches-bin"));
        Path dir = Files.createDirectories(tmp.resolve("packed"));
        Process tar = new ProcessBuilder("tar", "-czf", dir.resolve("cifar-10-binary.tar.gz").toString(), "-C",
                staging.toString(), "cifar-10-batches-bin").redirectErrorStream(true).start();
        assumeTrue(tar.waitFor() == 0, "needs tar: " + new String(tar.getInputStream().readAllBytes()));
        assertSynthetic(load(dir));
    }

    @Test
    void brokenInputIsAOneLineErrorNamingTheFile() throws IOException {
        Path dir = tmp.resolve("broken");
        writeBatches(dir);
        Files.write(dir.resolve("data_batch_3.bin"), new byte[3073 * 2 + 5]);
        assertEquals(dir.resolve("data_batch_3.bin") + ": 6151 bytes: expected a multiple of 3073 (1 label byte +"
                + " 3x32x32 pixels per image)", assertThrows(DataException.class, () -> load(dir)).getMessage());
        byte[] badLabel = new byte[3073];
        badLabel[0] = 10;
        Files.write(dir.resolve("data_batch_3.bin"), badLabel);
        assertEquals(dir.resolve("data_batch_3.bin") + ": record 0 has label 10, expected 0..9",
                assertThrows(DataException.class, () -> load(dir)).getMessage());
        Files.delete(dir.resolve("data_batch_5.bin"));
        assertTrue(assertThrows(DataException.class, () -> load(dir)).getMessage().startsWith(
                dir.resolve("data_batch_5.bin") + ": file not found"));
        assertEquals("cifar10 is 3x32x32: --image-size and --image-channels other than 32 and 3 are for --dataset"
                + " folder", assertThrows(DataException.class, () -> DataSources.load(new DataRequest(
                DataSources.CIFAR10, Optional.of(dir), Optional.empty(), Optional.of(1), Optional.empty(), 0.1, false),
                line -> { })).getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(empty + ": no CIFAR-10 here: expected test_batch.bin and data_batch_1..5.bin (or in"
                + " cifar-10-batches-bin/), or cifar-10-binary.tar.gz; run data/fetch-cifar10.sh",
                assertThrows(DataException.class, () -> load(empty)).getMessage());
        Files.write(empty.resolve("cifar-10-binary.tar.gz"), new byte[] {1, 2, 3});
        assertTrue(assertThrows(DataException.class, () -> load(empty)).getMessage().startsWith(
                empty.resolve("cifar-10-binary.tar.gz") + ": not a gzip archive, or a damaged one: "));
    }

    @Test
    void tarEntriesSkipsWhatIsNotWantedAndChecksHeaders() throws Exception {
        Path staging = tmp.resolve("staging");
        Files.createDirectories(staging.resolve("d"));
        Files.write(staging.resolve("d/skip.bin"), new byte[700]);
        Files.writeString(staging.resolve("d/want.txt"), "wanted");
        Path archive = tmp.resolve("a.tar");
        Process tar = new ProcessBuilder("tar", "-cf", archive.toString(), "-C", staging.toString(), "d")
                .redirectErrorStream(true).start();
        assumeTrue(tar.waitFor() == 0, "needs tar");
        List<String> seen = new ArrayList<>();
        try (var in = Files.newInputStream(archive)) {
            TarEntries.read(in, name -> name.endsWith(".txt"), (name, bytes) -> seen.add(name + "=" + new String(bytes)));
        }
        assertEquals(List.of("d/want.txt=wanted"), seen);
        byte[] bytes = Files.readAllBytes(archive);
        bytes[0] ^= 1;
        IOException e = assertThrows(IOException.class, () -> TarEntries.read(new java.io.ByteArrayInputStream(bytes),
                name -> true, (name, content) -> { }));
        assertEquals("not a tar archive: a header's checksum does not match", e.getMessage());
    }
}
