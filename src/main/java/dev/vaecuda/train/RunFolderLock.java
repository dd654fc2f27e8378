package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * One run at a time in an output folder: an exclusive OS lock on the folder's file {@value #FILE},
 * held while a run writes there. The operating system drops the lock when the process ends, also
 * by SIGKILL, so none outlives its run. The file stays; while locked it holds the holder's PID,
 * which a refused run names, and it is emptied when the lock is released.
 */
public final class RunFolderLock implements AutoCloseable {
    public static final String FILE = ".lock";

    // a POSIX lock belongs to the process, and closing any channel to its file drops it: so this
    // process finds the lock files it holds here (by file key) and never opens one of them again
    private static final Set<Object> HELD = new HashSet<>();

    private final Path file;
    private final Object fileKey;
    private final FileChannel channel;
    private final FileLock lock;

    private RunFolderLock(Path file, Object fileKey, FileChannel channel, FileLock lock) {
        this.file = file;
        this.fileKey = fileKey;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code folder}, creating it if needed; a usage error (exit 2) naming the folder and the
     * holder's PID when another run, in this process or another, holds it.
     */
    public static synchronized RunFolderLock acquire(Path folder) {
        Path file = folder.resolve(FILE);
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new VaeCudaException(VaeCudaException.FAILURE, folder + ": a file, not a folder; --out names the"
                    + " folder a run writes its files into");
        }
        try {
            Files.createDirectories(folder);
            if (Files.exists(file) && HELD.contains(fileKey(file))) {
                throw inUse(folder, "process " + ProcessHandle.current().pid() + " (this one)");
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    throw inUse(folder, holder(channel));
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
                Object key = fileKey(file);
                HELD.add(key);
                return new RunFolderLock(file, key, channel, lock);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw VaeCudaException.io(folder, "write output folder", e);
        }
    }

    /** "process 1234", from the lock file; a holder that has not written its PID yet is "another process". */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(32);
        channel.read(bytes, 0);
        String pid = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).strip();
        return pid.matches("\\d+") ? "process " + pid : "another process";
    }

    private static VaeCudaException inUse(Path folder, String holder) {
        return new VaeCudaException(VaeCudaException.USAGE, folder + " is in use by " + holder + ", a run writing"
                + " there; one run at a time in a folder: wait for it to end, or give another --out");
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Override
    public void close() {
        synchronized (RunFolderLock.class) {
            try (channel) {
                channel.truncate(0);
                lock.release();
            } catch (IOException e) {
                throw VaeCudaException.io(file, "release the lock", e);
            } finally {
                HELD.remove(fileKey);
            }
        }
    }
}
