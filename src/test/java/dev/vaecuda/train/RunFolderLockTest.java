package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaecuda.VaeCudaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock of a run folder within one process; RunFolderLockIT takes it from other processes. */
class RunFolderLockTest {
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void aFolderIsLockedOnceAtATimeAndTheLockFileNamesItsHolderWhileHeld() throws IOException {
        Path folder = dir.resolve("runs").resolve("a");
        Path file = folder.resolve(RunFolderLock.FILE);
        try (RunFolderLock _ = RunFolderLock.acquire(folder)) {
            assertEquals(PID + "\n", Files.readString(file));
            VaeCudaException refused = assertThrows(VaeCudaException.class, () -> RunFolderLock.acquire(folder));
            assertEquals(VaeCudaException.USAGE, refused.exitCode());
            assertEquals(folder + " is in use by process " + PID + " (this one), a run writing there; one run at a time"
                    + " in a folder: wait for it to end, or give another --out", refused.getMessage());
            try (RunFolderLock _ = RunFolderLock.acquire(dir.resolve("runs").resolve("b"))) {
                assertEquals(PID + "\n", Files.readString(dir.resolve("runs").resolve("b").resolve(RunFolderLock.FILE)),
                        "another folder, another lock");
            }
        }
        assertEquals("", Files.readString(file), "released: the file names no holder");
        try (RunFolderLock _ = RunFolderLock.acquire(folder)) {
            assertEquals(PID + "\n", Files.readString(file), "locked again");
        }
    }

    @Test
    void aFileIsNotAFolderToLock() throws IOException {
        Path file = Files.writeString(dir.resolve("README.md"), "# not a folder\n");
        VaeCudaException e = assertThrows(VaeCudaException.class, () -> RunFolderLock.acquire(file));
        assertEquals(file + ": a file, not a folder; --out names the folder a run writes its files into", e.getMessage());
        assertEquals("# not a folder\n", Files.readString(file));
    }
}
