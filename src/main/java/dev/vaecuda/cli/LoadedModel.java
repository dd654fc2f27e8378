package dev.vaecuda.cli;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.ModelDescription;
import dev.vaecuda.model.Vae;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import dev.vaecuda.viz.LatentCodec;
import dev.vaecuda.viz.ModelFigures;
import java.io.PrintWriter;
import java.nio.file.Path;

/** A checkpoint's trained VAE on the backend `--device` chose: what every command after `train` works on. */
record LoadedModel(Checkpoint checkpoint, Backend backend, Vae vae) implements AutoCloseable {

    /** Reads the checkpoint first, so a bad file fails before a device is opened; says which model it holds. */
    static LoadedModel open(Path checkpointFile, DeviceOptions device, PrintWriter out) {
        Checkpoint checkpoint = CheckpointFile.read(checkpointFile);
        ModelConfig model = checkpoint.config().model();
        Backend backend = device.forModel(model.architecture()).open(out);
        out.println("model: " + ModelDescription.of(model));
        out.flush();
        try {
            return new LoadedModel(checkpoint, backend, checkpoint.restoreVae(backend));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** The pictures this model draws. */
    ModelFigures figures() {
        return new ModelFigures(new LatentCodec(backend, vae));
    }

    @Override
    public void close() {
        backend.close();
    }
}
