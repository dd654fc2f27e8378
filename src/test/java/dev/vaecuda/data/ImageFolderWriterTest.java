package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderWriterTest {
    @Test
    void aColourImageIsWrittenAsRgbWithTheSetsChannelPlanes(@TempDir Path dir) throws IOException {
        // one 1x2 image: pixel 0 is (red 10, green 20, blue 30), pixel 1 is (40, 50, 60); planes R, G, B
        ImageSet set = new ImageSet(new byte[] {10, 40, 20, 50, 30, 60}, 1, 1, 2, null, 3);
        LoadedData data = new LoadedData(set, set, List.of(), new DataFingerprint(List.of(0L, 0L, 0L, 0L), "0".repeat(64)), "two pixels");

        ImageFolderWriter.write(data, dir, line -> { });

        BufferedImage read = ImageIO.read(dir.resolve("train/0.png").toFile());
        assertEquals(0x0A141E, read.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x28323C, read.getRGB(1, 0) & 0xFFFFFF);
    }

    @Test
    void aGreyImageIsWrittenAsItsBytes(@TempDir Path dir) throws IOException {
        ImageSet set = new ImageSet(new byte[] {0, 1, (byte) 128, (byte) 255}, 1, 2, 2, new byte[] {0});
        LoadedData data = new LoadedData(set, set, List.of("zero"), DataFingerprint.of(set, set), "four pixels");

        ImageFolderWriter.write(data, dir, line -> { });

        BufferedImage read = ImageIO.read(dir.resolve("test/zero/0.png").toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, read.getType());
        assertArrayEquals(new int[] {0, 1, 128, 255}, read.getRaster().getPixels(0, 0, 2, 2, (int[]) null));
    }

    @Test
    void labelFoldersAreTheClassNamesWhenTheySortInLabelOrder() {
        assertEquals(List.of("0", "1", "2"), ImageFolderWriter.labelFolders(List.of("0", "1", "2")));
        assertEquals(List.of("0 T-shirt-top", "1 Trouser", "2 Pullover"),
                ImageFolderWriter.labelFolders(List.of("T-shirt/top", "Trouser", "Pullover")));
    }
}
