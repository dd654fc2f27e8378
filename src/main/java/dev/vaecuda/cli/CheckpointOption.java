package dev.vaecuda.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** `--checkpoint`, for the commands that work on a trained model. */
final class CheckpointOption {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
            description = "A checkpoint that train wrote (checkpoint.vae in its --out folder).")
    Path file;

    LoadedModel open(DeviceOptions device, PrintWriter out) {
        return LoadedModel.open(file, device, out);
    }
}
