package dev.vaecuda.cli;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.backend.cuda.JCudaRuntime;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "The JVM, CPU cores and BLAS in use, and the CUDA device when there is one (or why not).")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(spec.parent().version()[0]);
        out.printf("jvm       %s %s (%s)%n", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("java.home"));
        out.printf("cpu       %d cores, BLAS %s%n", Runtime.getRuntime().availableProcessors(), CpuBackend.blasName());
        try (JCudaRuntime cuda = JCudaRuntime.open(0, false, false)) {
            out.printf("cuda      %s%n", cuda.info().describe());
        } catch (VaeCudaException | LinkageError e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            out.printf("cuda      unavailable: %s%n", reason);
        }
        return 0;
    }
}
