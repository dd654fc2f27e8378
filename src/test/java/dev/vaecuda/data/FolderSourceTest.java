package dev.vaecuda.data;

import static dev.vaecuda.data.ImageFiles.folder;
import static dev.vaecuda.data.ImageFiles.grey;
import static dev.vaecuda.data.ImageFiles.rgb;
import static dev.vaecuda.data.ImageFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders of images made in the test, awkward ones included, read through {@link DataSources#load}. */
class FolderSourceTest {
    @TempDir
    Path tmp;

    private final List<String> lines = new ArrayList<>();

    private LoadedData load(DataRequest request) {
        return DataSources.load(request, lines::add);
    }

    private DataException failure(DataRequest request) {
        return assertThrows(DataException.class, () -> load(request));
    }

    @Test
    void trainAndTestFoldersWithClassSubfoldersKeepTheExportedOrder() {
        Path dir = tmp.resolve("digits");
        // as an exporter writes a set: train/<label>/<index>.png, the index unpadded
        int[] trainLabels = {1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1};
        for (int i = 0; i < trainLabels.length; i++) {
            int value = i * 20;
            write(dir.resolve("train/" + (trainLabels[i] == 0 ? "cat" : "dog") + "/" + i + ".png"),
                    grey(3, 2, (x, y) -> value + x + y));
        }
        write(dir.resolve("test/cat/0.png"), grey(3, 2, (x, y) -> 7));
        write(dir.resolve("test/dog/1.png"), grey(3, 2, (x, y) -> 9));

        LoadedData data = load(folder(dir, tmp.resolve("cache")));

        assertEquals(List.of("cat", "dog"), data.classNames());
        ImageSet train = data.train();
        assertEquals(12, train.count());
        assertEquals(1, train.channels());
        assertEquals(2, train.rows());
        assertEquals(3, train.cols());
        for (int i = 0; i < trainLabels.length; i++) {
            assertEquals(trainLabels[i], train.labels()[i], "label of image " + i);
            assertEquals(i * 20 + 1, train.pixels()[i * 6 + 1] & 0xFF, "pixel (1, 0) of image " + i);
        }
        assertArrayEquals(new byte[] {0, 1}, data.test().labels());
        assertEquals(9, data.test().pixels()[6]);
        assertEquals("folder " + dir + ": 12 train / 2 test images of 1x2x3, 2 classes", data.description());
    }

    @Test
    void withoutTrainAndTestTheSplitIsAHashOfEachPathDeterministicAndNearTheFraction() {
        Path dir = tmp.resolve("flat");
        for (int i = 0; i < 200; i++) {
            int value = i;
            write(dir.resolve("img " + i + ".png"), grey(2, 2, (x, y) -> value));
        }
        DataRequest request = new DataRequest(DataSources.FOLDER, Optional.of(dir), Optional.empty(),
                Optional.empty(), Optional.of(tmp.resolve("cache")), 0.25, false);

        LoadedData first = load(request);
        LoadedData again = load(new DataRequest(DataSources.FOLDER, Optional.of(dir), Optional.empty(),
                Optional.empty(), Optional.of(tmp.resolve("other-cache")), 0.25, false));

        assertTrue(first.test().count() > 30 && first.test().count() < 70, "test images: " + first.test().count());
        assertEquals(200, first.train().count() + first.test().count());
        assertArrayEquals(first.test().pixels(), again.test().pixels());
        assertNull(first.train().labels());
        assertEquals(List.of(), first.classNames());
        for (int i = 1; i < first.test().count(); i++) {
            assertTrue((first.test().pixels()[4 * i - 4] & 0xFF) < (first.test().pixels()[4 * i] & 0xFF),
                    "natural order");
        }
    }

    @Test
    void theCacheIsReusedUntilAFileChangesThenPreparedAgain() throws Exception {
        Path dir = tmp.resolve("set");
        for (int i = 0; i < 10; i++) {
            int value = i;
            write(dir.resolve("train/" + i + ".png"), grey(2, 2, (x, y) -> value));
        }
        write(dir.resolve("test/a.png"), grey(2, 2, (x, y) -> 50));
        Path cacheDir = tmp.resolve("cache");
        DataRequest request = folder(dir, cacheDir);
        LoadedData prepared = load(request);
        Path cache = FolderSource.cacheFile(request, dir);
        assertTrue(Files.isRegularFile(cache), "cache written: " + lines);
        FileTime written = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(cache, written);
        lines.clear();

        LoadedData reused = load(request);

        assertEquals(written, Files.getLastModifiedTime(cache), "not written again");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("cache " + cache + " matches the folder (11 files hashed")),
                lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("preparing")), lines.toString());
        assertArrayEquals(prepared.train().pixels(), reused.train().pixels());
        assertEquals(prepared.fingerprint(), reused.fingerprint());

        write(dir.resolve("train/3.png"), grey(2, 2, (x, y) -> 200));
        lines.clear();
        LoadedData rebuilt = load(request);

        assertTrue(lines.stream().anyMatch(l -> l.equals("cache " + cache
                + " is stale (the folder changed: 0 added, 0 removed, 1 changed (first: train/3.png)): preparing it again")),
                lines.toString());
        assertEquals(200, rebuilt.train().pixels()[3 * 4] & 0xFF);
        assertFalse(rebuilt.fingerprint().equals(prepared.fingerprint()));
        assertTrue(Files.getLastModifiedTime(cache).compareTo(written) > 0);
    }

    @Test
    void aDamagedCacheIsPreparedAgain() throws Exception {
        Path dir = tmp.resolve("set");
        write(dir.resolve("a.png"), grey(2, 2, (x, y) -> 1));
        write(dir.resolve("b.png"), grey(2, 2, (x, y) -> 2));
        DataRequest request = folder(dir, tmp.resolve("cache"));
        LoadedData prepared = load(request);
        Path cache = FolderSource.cacheFile(request, dir);
        byte[] bytes = Files.readAllBytes(cache);
        bytes[bytes.length - 12] ^= 1;
        Files.write(cache, bytes);
        lines.clear();

        LoadedData again = load(request);

        assertTrue(lines.contains("cache " + cache + " cannot be used (damaged: its checksum does not match):"
                + " preparing it again"), lines.toString());
        assertArrayEquals(prepared.train().pixels(), again.train().pixels());
    }

    @Test
    void theDefaultCacheIsBesideTheFolderNotInIt() {
        Path dir = tmp.resolve("photos");
        write(dir.resolve("a.png"), grey(2, 2, (x, y) -> 1));
        write(dir.resolve("b.png"), grey(2, 2, (x, y) -> 2));
        DataRequest request = new DataRequest(DataSources.FOLDER, Optional.of(dir), Optional.of(2), Optional.empty(),
                Optional.empty(), 0.5, false);

        load(request);

        Path cache = FolderSource.cacheFile(request, dir);
        assertEquals(tmp.resolve(".vae-cuda-cache"), cache.getParent());
        assertTrue(cache.getFileName().toString().matches("photos-[0-9a-f]{8}-2px-auto\\.bin"), cache.toString());
        assertTrue(Files.isRegularFile(cache));
        assertTrue(lines.contains("preparing 2 images of " + dir + " into " + cache), lines.toString());
    }

    @Test
    void unreadableFilesAreSkippedCountedAndNamedOrUnderStrictAnError() throws Exception {
        Path dir = tmp.resolve("set");
        for (int i = 0; i < 4; i++) {
            write(dir.resolve(i + ".png"), grey(4, 4, (x, y) -> 9));
        }
        Path jpeg = write(dir.resolve("cut.jpg"), PictureDecodingTest.noise(128, 128));
        byte[] whole = Files.readAllBytes(jpeg);
        Files.write(jpeg, java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.writeString(dir.resolve("text.png"), "not a picture");

        LoadedData data = load(folder(dir, tmp.resolve("cache"), 4, 1, false));

        assertEquals(4, data.train().count() + data.test().count());
        assertTrue(data.description().contains("; 2 unreadable files skipped (cut.jpg: "), data.description());
        assertTrue(data.description().contains("text.png: not an image ImageIO reads"), data.description());

        DataException strict = failure(folder(dir, tmp.resolve("cache"), 4, 1, true));
        assertEquals(dir.resolve("text.png") + ": unreadable image (--strict): not an image ImageIO reads",
                strict.getMessage());
    }

    @Test
    void theOneLineErrors() throws Exception {
        Path cache = tmp.resolve("cache");
        assertEquals("unknown data set 'cifar': expected one of mnist, fashion-mnist, cifar10, folder",
                assertThrows(IllegalArgumentException.class, () -> load(new DataRequest("cifar", Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), 0.1, false))).getMessage());
        assertEquals(tmp.resolve("none") + ": data folder not found", failure(folder(tmp.resolve("none"), cache))
                .getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(failure(folder(empty, cache)).getMessage().startsWith(empty + ": empty folder: no files; expected"
                + " images (.bmp .gif .jpeg .jpg .png"));
        Path text = Files.createDirectories(tmp.resolve("text"));
        Files.writeString(text.resolve("a.txt"), "a");
        Files.writeString(text.resolve("b.txt"), "b");
        Files.writeString(text.resolve("c.csv"), "c");
        assertTrue(failure(folder(text, cache)).getMessage().startsWith(text
                + ": no images: found 3 files (1 .csv, 2 .txt) but none of .bmp .gif"));
        Path mixed = tmp.resolve("mixed");
        write(mixed.resolve("a.png"), grey(28, 28, (x, y) -> 0));
        write(mixed.resolve("b.png"), grey(28, 28, (x, y) -> 0));
        write(mixed.resolve("c.png"), grey(32, 30, (x, y) -> 0));
        assertEquals(mixed + ": images of 2 sizes (28x28: 2, 32x30: 1); pass --image-size N to scale and crop them"
                + " to N x N", failure(folder(mixed, cache)).getMessage());
        assertEquals(28, load(folder(mixed, cache, 28, null, false)).train().rows());
        Path both = tmp.resolve("both");
        write(both.resolve("top.png"), grey(2, 2, (x, y) -> 0));
        write(both.resolve("cats/a.png"), grey(2, 2, (x, y) -> 0));
        write(both.resolve("dogs/b.png"), grey(2, 2, (x, y) -> 0));
        assertEquals(both + ": 1 images at the top level and 2 in class folders (cats, dogs): put every image in a"
                + " class folder, or none", failure(folder(both, cache)).getMessage());
        Path one = tmp.resolve("one");
        write(one.resolve("a.png"), grey(2, 2, (x, y) -> 0));
        assertEquals(one + ": 1 image: a train and a test split need at least 2", failure(folder(one, cache))
                .getMessage());
    }

    @Test
    void aSetTooLargeForMemoryIsRefusedBeforeDecoding() {
        Path dir = tmp.resolve("set");
        write(dir.resolve("a.png"), grey(2, 2, (x, y) -> 0));
        write(dir.resolve("b.png"), grey(2, 2, (x, y) -> 0));
        DataException e = assertThrows(DataException.class, () -> FolderSource.load(
                folder(dir, tmp.resolve("cache"), 4096, 3, false), lines::add, 64L << 20));
        assertTrue(e.getMessage().startsWith(dir + ": too large for memory: 2 images of 3x4096x4096 need 96 MiB"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("but the JVM may use 64 MiB more; pass a smaller --image-size or raise the"
                + " heap (-Xmx)"), e.getMessage());
    }

    @Test
    void symbolicLinkLoopsAreSkippedAndNamesWithSpacesAndAccentsRead() throws Exception {
        Path dir = tmp.resolve("loop");
        write(dir.resolve("chats noirs/été 1.png"), grey(2, 2, (x, y) -> 1));
        write(dir.resolve("chiens/ä ö.png"), grey(2, 2, (x, y) -> 2));
        write(dir.resolve("chiens/b.png"), grey(2, 2, (x, y) -> 3));
        Files.createSymbolicLink(dir.resolve("chiens/again"), dir);
        Files.createSymbolicLink(dir.resolve("chiens/gone.png"), dir.resolve("nowhere.png"));

        LoadedData data = load(folder(dir, tmp.resolve("cache")));

        assertEquals(List.of("chats noirs", "chiens"), data.classNames());
        assertEquals(3, data.train().count() + data.test().count());
        assertTrue(lines.contains("symbolic link loop at chiens/again skipped"), lines.toString());
        assertTrue(lines.contains("broken symbolic link chiens/gone.png skipped"), lines.toString());
    }
}
