package dev.vaecuda.cli;

import dev.vaecuda.backend.Backend;
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
        try (Backend device = deviceOptions.open(out)) {
            out.printf("%-50s %s%n", "check", "result");
            out.flush();
            List<SelfTest.Result> results = SelfTest.run(device, result -> {
                out.printf("%-50s %s%n", result.check(), result.passed() ? "pass" : "FAIL: " + result.problem());
                out.flush();
            });
            long failed = results.stream().filter(r -> !r.passed()).count();
            out.printf("%d passed, %d failed%n", results.size() - failed, failed);
            return failed == 0 ? 0 : 1;
        }
    }
}
