package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.CheckpointFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that a message of the built jar suggests runs as printed, pasted into a shell in
 * the user's folder (not the project's): the stop message's, the "already holds a run" and
 * "holds another run" errors', a usage error's help hint, and the one in selftest's help. The
 * run folder has a space in its name, so the commands must quote it.
 */
class SuggestedCommandsIT {
    private static final Path JAR = Path.of(System.getProperty("vae.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String RUN = "runs/my run";

    @TempDir
    Path user;

    @TempDir
    Path logs;

    private ChildProcess jar(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return ChildProcess.start(command, logs, user);
    }

    private ChildProcess train(String out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--device", "cpu", "--threads", "2", "--hidden", "32",
                "--latent", "4", "--batch-size", "20", "--out", out));
        args.addAll(List.of(extra));
        return jar(args.toArray(String[]::new));
    }

    /** The command as the user would paste it: through the shell, in their folder. */
    private ChildProcess paste(String command) throws Exception {
        return ChildProcess.start(List.of("bash", "-c", command), logs, user);
    }

    private static String group(String text, String regex, int group) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), "no /" + regex + "/ in\n" + text);
        return m.group(group);
    }

    @Test
    void everySuggestedCommandRunsAsPrintedFromTheUsersFolder() throws Exception {
        // in data/mnist, where train looks by default; 150 batches an epoch, so a signal lands inside one
        SyntheticDigits.writeIdx(user.resolve("data/mnist"), 3000, 100, 28, 28);

        ChildProcess stopped = train(RUN, "--epochs", "2", "--figures-every", "2");
        stopped.awaitOutput("epoch 1/2 ");
        stopped.signal("TERM");
        assertEquals(143, stopped.waitFor(), stopped.toString());
        String resume = group(stopped.out(), "^continue with: (.*)$", 1);
        assertTrue(resume.contains("'" + RUN + "/checkpoint.vae'"), "quoted for the shell: " + resume);
        assertTrue(resume.endsWith(" --figures-every 2"), "keeps the pictures' interval: " + resume);
        ChildProcess resumed = paste(resume);
        assertEquals(0, resumed.waitFor(), resumed.toString());
        assertTrue(resumed.out().contains("epoch 2/2 "), resumed.toString());
        assertEquals(2, CheckpointFile.read(user.resolve(RUN).resolve("checkpoint.vae")).epochsCompleted());
        assertTrue(Files.notExists(user.resolve(RUN).resolve("samples_epoch1.png")), "no pictures after epoch 1 of 2");
        assertTrue(Files.exists(user.resolve(RUN).resolve("samples_epoch2.png")), "pictures after epoch 2");

        ChildProcess again = train(RUN, "--epochs", "1", "--limit", "200");
        assertEquals(2, again.waitFor(), again.toString());
        // the run has trained the 1 epoch asked for: the resume it suggests trains 1 more
        String[] remedies = {group(again.err(), "train it further with: (.*), or start again with: (.*)$", 1),
            group(again.err(), "train it further with: (.*), or start again with: (.*)$", 2)};
        ChildProcess continued = paste(remedies[0]);
        assertEquals(0, continued.waitFor(), continued.toString());
        assertTrue(continued.out().contains("epoch 3/3 "), continued.toString());
        ChildProcess restarted = paste(remedies[1]);
        assertEquals(0, restarted.waitFor(), restarted.toString());
        assertTrue(restarted.out().contains("epoch 1/1 "), restarted.toString());

        assertEquals(0, train("runs/other", "--epochs", "1", "--limit", "200").waitFor());
        ChildProcess refused = jar("train", "--resume", "runs/other/checkpoint.vae", "--epochs", "2", "--out", RUN);
        assertEquals(2, refused.waitFor(), refused.toString());
        ChildProcess replaced = paste(group(refused.err(), "replace what it holds with: (.*)$", 1));
        assertEquals(0, replaced.waitFor(), replaced.toString());
        assertEquals(CheckpointFile.read(user.resolve("runs/other/checkpoint.vae")).identity(),
                CheckpointFile.read(user.resolve(RUN).resolve("checkpoint.vae")).identity());

        ChildProcess misused = jar("train", "--epochs", "0");
        assertEquals(2, misused.waitFor(), misused.toString());
        ChildProcess help = paste(group(misused.err(), "\\(see '(.*)'\\)$", 1));
        assertEquals(0, help.waitFor(), help.toString());
        assertTrue(help.out().startsWith("Usage: "), help.toString());

        ChildProcess selftestHelp = jar("selftest", "--help");
        assertEquals(0, selftestHelp.waitFor(), selftestHelp.toString());
        String onGpu = group(selftestHelp.out().replaceAll("\\s+", " "), "On a GPU: (.*? selftest --device cuda)\\.", 1);
        ChildProcess selftest = paste(onGpu);
        int exit = selftest.waitFor();
        // without a GPU it runs and fails on CUDA (1); it must neither be unknown to the shell nor a usage error
        assertTrue(exit == 0 || exit == 1, selftest.toString());
        assertNotEquals("", selftest.out() + selftest.err());
    }
}
