package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Which file the dynamic loader took a symbol from (glibc's dladdr), so messages name the library in use. */
final class LoadedLibraries {
    // Dl_info: dli_fname, dli_fbase, dli_sname, dli_saddr
    private static final MemoryLayout DL_INFO = MemoryLayout.structLayout(ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final Optional<MethodHandle> DLADDR = Linker.nativeLinker().defaultLookup().find("dladdr")
            .map(symbol -> Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)));

    private LoadedLibraries() {
    }

    /** The path of the shared library that holds {@code symbol}, when the C library can tell. */
    static Optional<String> fileOf(MemorySegment symbol) {
        if (DLADDR.isEmpty()) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DL_INFO);
            int found = Downcalls.value(() -> (int) DLADDR.get().invokeExact(symbol, info));
            MemorySegment name = info.get(ADDRESS, 0);
            if (found == 0 || name.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            return Optional.of(Downcalls.cString(name));
        }
    }
}
