package dev.vaecuda.backend.cuda;

/** The C type of a kernel parameter: which Java argument a launch takes for it, and its PTX type. */
public enum ParamType {
    /** A device pointer ({@code float*}, {@code const int*}, ...): a {@link DeviceMemory} argument. */
    POINTER(DeviceMemory.class, ".u64"),
    /** {@code int}: an Integer argument (nvcc declares int parameters .u32). */
    INT(Integer.class, ".u32"),
    /** {@code float}: a Float argument. */
    FLOAT(Float.class, ".f32"),
    /** {@code unsigned long long}: a Long argument (seeds, steps). */
    U64(Long.class, ".u64");

    private final Class<?> argumentType;
    private final String ptxType;

    ParamType(Class<?> argumentType, String ptxType) {
        this.argumentType = argumentType;
        this.ptxType = ptxType;
    }

    public boolean accepts(Object argument) {
        return argumentType.isInstance(argument);
    }

    /** The type nvcc writes for such a parameter in an {@code .entry}'s {@code .param} list. */
    public String ptxType() {
        return ptxType;
    }

    /** The Java type a launch passes for it, for messages. */
    public String argumentTypeName() {
        return argumentType.getSimpleName();
    }
}
