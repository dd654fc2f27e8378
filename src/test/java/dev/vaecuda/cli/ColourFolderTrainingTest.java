package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticPhotos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No NaN on photos: a folder of colour JPEGs trains with the defaults, under either loss, and the loss falls. */
class ColourFolderTrainingTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"bce", "mse"})
    void aColourFolderTrainsWithTheDefaults(String loss) throws IOException {
        Path photos = dir.resolve("photos"), out = dir.resolve("run");
        SyntheticPhotos.write(photos, 200, 16, "jpg", 1);

        CliRunner result = CliRunner.run("train", "--device", "cpu", "--threads", "2", "--dataset", "folder",
                "--data", photos.toString(), "--cache", dir.resolve("cache").toString(), "--out", out.toString(),
                "--epochs", "3", "--batch-size", "20", "--loss", loss);

        assertEquals(0, result.exitCode(), result.toString());
        List<double[]> epochs = Files.readAllLines(out.resolve("metrics.csv")).stream().skip(1)
                .map(line -> new double[] {Double.parseDouble(line.split(",")[1]), Double.parseDouble(line.split(",")[2])})
                .toList();
        assertEquals(3, epochs.size());
        for (double[] losses : epochs) {
            assertTrue(Double.isFinite(losses[0]) && Double.isFinite(losses[1]), result.toString());
        }
        assertTrue(epochs.getLast()[0] < epochs.getFirst()[0], result.toString());
    }
}
