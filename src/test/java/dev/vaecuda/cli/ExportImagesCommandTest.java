package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImagesCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesEachSplitAsLabelFoldersOfZeroPaddedPngs() throws IOException {
        Path data = dir.resolve("idx"), out = dir.resolve("png");
        SyntheticDigits.writeIdx(data, 120, 9, 28, 28);

        CliRunner result = CliRunner.run("export-images", "--data", data.toString(), "--out", out.toString());

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("wrote 120 train / 9 test images to " + out), result.toString());
        assertEquals(120, pngs(out.resolve("train")));
        assertEquals(9, pngs(out.resolve("test")));
        int firstLabel = Byte.toUnsignedInt(SyntheticDigits.generate(120, 28, 28, 1).labels()[0]);
        assertTrue(Files.exists(out.resolve("train/" + firstLabel + "/000.png")));
    }

    /** Before it reads any data: here there is none. */
    @Test
    void refusesAFolderThatIsNotEmpty() throws IOException {
        Path out = Files.createDirectories(dir.resolve("png"));
        Files.writeString(out.resolve("keep.txt"), "mine");

        CliRunner.run("export-images", "--data", dir.resolve("missing").toString(), "--out", out.toString())
                .assertOneLineError(2, out + " is not empty: export-images writes into a new or empty folder");
    }

    private static long pngs(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.toString().endsWith(".png")).count();
        }
    }
}
