package dev.vaecuda.cli;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.selftest.GemmPrecision;
import dev.vaecuda.selftest.SelfTest;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = {"Check every kernel and three training steps of a device against the CPU backend.",
            "Ends with 'N passed, M failed'; exit 0 only when M is 0. On a GPU: ${ROOT-COMMAND-NAME} selftest --device cuda."})
final class SelfTestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // its checks train MLPs
        try (Backend device = deviceOptions.forModel(Architecture.MLP).open(out)) {
            out.printf("%-50s %s%n", "check", "result");
            out.flush();
            GemmPrecision precision = deviceOptions.tf32 ? GemmPrecision.TF32 : GemmPrecision.FP32;
            if (precision == GemmPrecision.TF32) {
                out.println("--tf32: the GEMM checks allow TF32's error; the training-step check, whose tolerances"
                        + " assume FP32 GEMMs, is left out");
            }
            List<SelfTest.Result> results = SelfTest.run(device, precision, result -> {
                out.printf("%-50s %s%n", result.check(), result.passed()
                        ? String.format("pass (largest difference: %.0f%% of its tolerance)", 100 * result.largestShare())
                        : "FAIL: " + result.problem());
                out.flush();
            });
            long failed = results.stream().filter(r -> !r.passed()).count();
            out.printf("%d passed, %d failed%n", results.size() - failed, failed);
            return failed == 0 ? 0 : 1;
        }
    }
}
