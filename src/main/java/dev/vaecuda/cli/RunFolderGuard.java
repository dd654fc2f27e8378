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
import java.util.function.IntFunction;

/**
 * Keeps `train` from replacing a run it was not asked to replace: a new run where a run already
 * is, or a resumed run over another run's checkpoint or over a later step of its own. Refusals
 * are usage errors (exit 2) naming both runs and ending with {@code remedy}. It looks at what the
 * folder holds; that no other run writes there meanwhile is {@link dev.vaecuda.train.RunFolderLock}'s part.
 */
final class RunFolderGuard {
    private RunFolderGuard() {
    }

    /**
     * A new run where a run is: the refusal suggests {@code continueTo} (the command that resumes that
     * run up to a total of epochs) up to {@code epochs} when it has trained fewer, else up to
     * {@code epochs} more as far as its learning rate schedule goes, and none that would train
     * nothing; then {@code startAgain}.
     */
    static void refuseNewRunOver(Path outDir, int epochs, IntFunction<String> continueTo, String startAgain) {
        Path existing = outDir.resolve(TrainingSession.CHECKPOINT);
        if (!Files.exists(existing)) {
            return;
        }
        Checkpoint there;
        try {
            there = CheckpointFile.read(existing);
        } catch (VaeCudaException unreadable) {
            throw usage(outDir + " already holds a run whose checkpoint cannot be read (" + unreadable.getMessage()
                    + "); start again with: " + startAgain);
        }
        int done = there.epochsCompleted();
        int total = (int) Math.min(done < epochs ? epochs : (long) done + epochs,
                there.config().training().lrSchedule().maxEpochs());
        String resume = total <= done ? ""
                : (done < epochs ? "continue it with: " : "train it further with: ") + continueTo.apply(total) + ", or ";
        throw usage(outDir + " already holds a run: " + describe(existing, there) + "; " + resume + "start again with: "
                + startAgain);
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
