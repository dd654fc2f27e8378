package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every {@code .entry} of the shipped PTX has a launch description with the same parameters, and back. */
class PtxSignatureTest {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(\\.\\w+)");

    @Test
    void entriesMatchTheLaunchDescriptions() {
        Map<String, List<String>> entries = entries(new String(KernelModule.ptx(), StandardCharsets.US_ASCII));
        Map<String, KernelSpec> specs = Kernels.ALL.stream()
                .collect(Collectors.toMap(KernelSpec::name, spec -> spec));
        assertEquals(new TreeSet<>(specs.keySet()), new TreeSet<>(entries.keySet()),
                "kernels in the PTX vs launch descriptions in Kernels");
        for (KernelSpec spec : Kernels.ALL) {
            List<String> described = spec.parameters().stream().map(ParamType::ptxType).toList();
            assertEquals(described, entries.get(spec.name()), "parameters of " + spec.name() + " (PTX types)");
        }
    }

    @Test
    void parsesAnEntry() {
        String ptx = ".visible .entry k(\n\t.param .u64 k_param_0,\n\t.param .f32 k_param_1,\n"
                + "\t.param .u64 .ptr .align 1 k_param_2\n)\n{\n}\n";
        assertEquals(Map.of("k", List.of(".u64", ".f32", ".u64")), entries(ptx));
    }

    /** Entry name to its parameters' types, in order. */
    private static Map<String, List<String>> entries(String ptx) {
        Map<String, List<String>> entries = new LinkedHashMap<>();
        Matcher entry = ENTRY.matcher(ptx);
        while (entry.find()) {
            List<String> types = new ArrayList<>();
            Matcher param = PARAM.matcher(entry.group(2));
            while (param.find()) {
                types.add(param.group(1));
            }
            entries.put(entry.group(1), types);
        }
        return entries;
    }
}
