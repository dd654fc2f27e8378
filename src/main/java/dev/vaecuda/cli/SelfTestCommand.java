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
        description = {"Check every kernel, the convolutions, and three training steps of an MLP and of a conv VAE, of a"
                + " device against the CPU backend; where the device cannot run convolutions, one row says why they are skipped.",
            "Ends with 'N passed, M failed'; exit 0 only when M is 0. On a GPU: ${ROOT-COMMAND-NAME} selftest --device cuda."})
final class SelfTestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // opened as for an MLP: the convolution checks ask the backend itself whether it can run them
        try (Backend device = deviceOptions.forModel(Architecture.MLP).open(out)) {
            out.printf("%-50s %s%n", "check", "result");
            out.flush();
            GemmPrecision precision = deviceOptions.tf32 ? GemmPrecision.TF32 : GemmPrecision.FP32;
            if (precision == GemmPrecision.TF32) {
                out.println("--tf32: the GEMM and convolution checks allow TF32's error; the training-step checks, whose"
                        + " tolerances assume FP32 GEMMs, are left out");
            }
            List<SelfTest.Result> results = SelfTest.run(device, precision, result -> {
                out.printf("%-50s %s%n", result.check(), outcome(result));
                out.flush();
            });
            long passed = results.stream().filter(SelfTest.Result::passed).count();
            long failed = results.stream().filter(r -> r.problem() != null).count();
            out.printf("%d passed, %d failed%n", passed, failed);
            return failed == 0 ? 0 : 1;
        }
    }

    /** A row's result: pass with the share of its tolerance used, FAIL with what, or skipped with why. */
    private static String outcome(SelfTest.Result result) {
        if (result.whySkipped() != null) {
            return "skipped: " + result.whySkipped();
        }
        return result.passed() ? String.format("pass (largest difference: %.0f%% of its tolerance)", 100 * result.largestShare())
                : "FAIL: " + result.problem();
    }
}
