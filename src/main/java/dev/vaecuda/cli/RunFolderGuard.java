package dev.vaecuda.cli;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import dev.vaecuda.train.ResumePoint;
import dev.vaecuda.train.RunIdentity;
import dev.vaecuda.train.TrainingSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps `train` from replacing a run it was not asked to replace: a new run where a run already
 * is, or a resumed run over another run's checkpoint or over a later step of its own. Refusals
 * are usage errors (exit 2) naming both runs and ending with {@code remedy}. It looks at what the
 * folder holds; that no other run writes there meanwhile is {@link dev.vaecuda.train.RunFolderLock}'s part.
 */
final class RunFolderGuard {
    private RunFolderGuard() {
    }

    static void refuseNewRunOver(Path outDir, String remedy) {
        Path existing = outDir.resolve(TrainingSession.CHECKPOINT);
        if (Files.exists(existing)) {
            throw usage(outDir + " already holds a run (" + existing + "); " + remedy);
        }
    }

    static void refuseResumeOver(Path outDir, ResumePoint resume, String remedy) {
        Path existing = outDir.resolve(TrainingSession.CHECKPOINT);
        if (!Files.exists(existing) || sameFile(existing, resume.file())) {
            return;
        }
        Checkpoint there = CheckpointFile.read(existing);
        Checkpoint from = resume.checkpoint();
        boolean sameRun = there.identity() != null && from.identity() != null
                && there.identity().runId() == from.identity().runId();
        if (!sameRun) {
            throw usage(outDir + " holds another run: " + describe(existing, there) + ", not "
                    + describe(resume.file(), from) + "; " + remedy);
        }
        if (there.step() > from.step()) {
            throw usage(outDir + " holds a later step of the same run: " + describe(existing, there) + ", after "
                    + describe(resume.file(), from) + ", whose steps it would drop; " + remedy);
        }
    }

    /** "runs/b/checkpoint.vae (run 1a2b3c4d5e6f7a8b, step 64, end of epoch 2)". */
    static String describe(Path file, Checkpoint checkpoint) {
        RunIdentity identity = checkpoint.identity();
        return file + " (" + (identity == null ? "a run without identity, checkpoint format 1" : "run " + identity.id())
                + ", " + checkpoint.position() + ")";
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            throw VaeCudaException.io(a, "compare with " + b, e);
        }
    }

    private static VaeCudaException usage(String message) {
        return new VaeCudaException(VaeCudaException.USAGE, message);
    }
}
