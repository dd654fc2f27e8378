package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * CudaBackend.close over the emulated runtime, each runtime call seen (and made to fail after it
 * did its work, where a test says so): it waits for the device before it frees, and a failing
 * step neither stops the steps after it nor hides the fault that came first.
 */
class CudaBackendCloseTest {
    private final List<String> calls = new ArrayList<>();

    /** The emulated runtime, its calls recorded in {@link #calls}; those named in {@code failing} throw once done. */
    private CudaRuntime watched(Set<String> failing) {
        CudaRuntime runtime = EmulatedRuntime.open();
        return (CudaRuntime) Proxy.newProxyInstance(CudaRuntime.class.getClassLoader(), new Class<?>[] {CudaRuntime.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    Object result;
                    try {
                        result = method.invoke(runtime, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (failing.contains(method.getName())) {
                        throw new CudaCallException(method.getName(), "injected fault " + calls.size());
                    }
                    return result;
                });
    }

    private CudaBackend backendWithTwoBuffers(Set<String> failing) {
        CudaBackend backend = new CudaBackend(watched(failing));
        backend.allocate(10);
        backend.allocate(20);
        calls.clear();
        return backend;
    }

    @Test
    void closeWaitsForTheDeviceThenFreesEveryBufferThenClosesTheRuntime() {
        backendWithTwoBuffers(Set.of()).close();
        assertEquals(List.of("synchronize", "free", "free", "close"), calls);
    }

    @Test
    void theFirstFaultOfACloseIsThrownWithTheLaterOnesSuppressedAndEveryStepRuns() {
        CudaBackend backend = backendWithTwoBuffers(Set.of("synchronize", "free", "close"));
        CudaCallException thrown = assertThrows(CudaCallException.class, backend::close);
        assertEquals("synchronize failed: injected fault 1", thrown.getMessage());
        assertEquals(List.of("free failed: injected fault 2", "free failed: injected fault 3", "close failed: injected fault 4"),
                Arrays.stream(thrown.getSuppressed()).map(Throwable::getMessage).toList());
        assertEquals(List.of("synchronize", "free", "free", "close"), calls);
    }
}
