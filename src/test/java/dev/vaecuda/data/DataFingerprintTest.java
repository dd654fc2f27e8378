package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fingerprint of IDX sets is the hash of their files, as before; colour and unlabelled sets get one too. */
class DataFingerprintTest {
    @TempDir
    Path tmp;

    @Test
    void anIdxSetIsTheHashOfItsFourFilesAsBefore() throws IOException {
        SyntheticDigits.writeIdx(tmp, 12, 5, 4, 3);
        ByteArrayOutputStream files = new ByteArrayOutputStream();
        List<Long> sizes = new java.util.ArrayList<>();
        for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            byte[] bytes = Files.readAllBytes(tmp.resolve(name));
            files.write(bytes);
            sizes.add((long) bytes.length);
        }
        DataFingerprint fingerprint = DataFingerprint.of(DatasetFiles.load(tmp, Split.TRAIN),
                DatasetFiles.load(tmp, Split.TEST));
        assertEquals(new DataFingerprint(sizes, HexFormat.of().formatHex(ContentHash.sha256(files.toByteArray()))),
                fingerprint);
        assertEquals(12, fingerprint.trainImages());
    }

    @Test
    void colourImagesAreHashedAsAFourDimensionalIdxFileAndUnlabelledOnesWithLabelZero() {
        byte[] pixels = new byte[2 * 3 * 2 * 2];
        pixels[5] = 9;
        ImageSet colour = new ImageSet(pixels, 2, 2, 2, null, 3);
        DataFingerprint fingerprint = DataFingerprint.of(colour, colour);

        byte[] images = ByteBuffer.allocate(20 + pixels.length).putInt(0x0804).putInt(2).putInt(3).putInt(2).putInt(2)
                .put(pixels).array();
        byte[] labels = ByteBuffer.allocate(8 + 2).putInt(0x0801).putInt(2).array();
        ByteBuffer all = ByteBuffer.allocate(2 * (images.length + labels.length)).put(images).put(labels).put(images)
                .put(labels);
        assertEquals(new DataFingerprint(List.of(44L, 10L, 44L, 10L), HexFormat.of().formatHex(ContentHash.sha256(
                all.array()))), fingerprint);
        assertEquals(2, fingerprint.trainImages());
        // the same bytes as 1 x 6 x 2 grey images are other data
        ImageSet grey = new ImageSet(pixels, 2, 6, 2, null, 1);
        assertNotEquals(fingerprint.sha256(), DataFingerprint.of(grey, grey).sha256());
    }
}
