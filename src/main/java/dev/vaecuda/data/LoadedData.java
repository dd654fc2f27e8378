package dev.vaecuda.data;

import java.util.List;

/**
 * Both splits of a data set as a run uses them (before any --limit), the names of its classes
 * (indexed by label; empty when the images have no labels), its fingerprint, and a one-line
 * description of what was found, for the console (e.g. "mnist: 60000 train / 10000 test images").
 */
public record LoadedData(ImageSet train, ImageSet test, List<String> classNames, DataFingerprint fingerprint,
                         String description) {
}
