package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatasetTest {
    @Test
    void namesAndDirectoriesFollowTheCommandLine() {
        assertEquals("mnist", Dataset.MNIST.cliName());
        assertEquals("fashion-mnist", Dataset.FASHION_MNIST.cliName());
        assertEquals(Path.of("data/mnist"), Dataset.MNIST.defaultDirectory());
        assertEquals(Path.of("data/fashion-mnist"), Dataset.FASHION_MNIST.defaultDirectory());
        for (Dataset dataset : Dataset.values()) {
            assertSame(dataset, Dataset.fromCliName(dataset.cliName()));
        }
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.fromCliName("cifar"));
        assertEquals("unknown data set 'cifar': expected one of mnist, fashion-mnist", e.getMessage());
    }

    @Test
    void bothHaveTenClassesInLabelOrder() {
        assertEquals(10, Dataset.MNIST.classNames().size());
        assertEquals("7", Dataset.MNIST.classNames().get(7));
        assertEquals(10, Dataset.FASHION_MNIST.classNames().size());
        assertEquals("T-shirt/top", Dataset.FASHION_MNIST.classNames().get(0));
        assertEquals("Ankle boot", Dataset.FASHION_MNIST.classNames().get(9));
    }
}
