package dev.vaecuda.cli;

import dev.vaecuda.backend.Backends;
import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.cpu.blas.Blases;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "The JVM, CPU cores and BLAS in use, and the CUDA device with its cuBLAS and cuDNN when there is"
                + " one (or why not).")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BlasOption blas;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(spec.parent().version()[0]);
        out.printf("jvm       %s %s (%s)%n", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("java.home"));
        out.printf("cpu       %d cores%n", Runtime.getRuntime().availableProcessors());
        out.printf("blas      %s%n", blasDescription());
        out.printf("cuda      %s%n", Backends.cudaStatus());
        return 0;
    }

    private String blasDescription() {
        try {
            return Blases.get(blas.choice).description();
        } catch (VaeCudaException e) {
            return e.getMessage();
        }
    }
}
