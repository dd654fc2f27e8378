package dev.vaecuda.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * The image files of a folder, as torchvision's ImageFolder sees them: found recursively (symbolic
 * links followed, a loop skipped and reported), each labelled by the first folder under the split's
 * root (class names sorted; a folder of images only at its top level is unlabelled). {@code train/}
 * and {@code test/} are the splits when both exist (and nothing else is read); otherwise each file goes to the test split when a
 * hash of its relative path falls below the test fraction, so adding a file moves no other. Within a
 * split, files are ordered by name, digits by value (2.png before 10.png), then by relative path: a
 * set exported as {@code train/<label>/<index>.png} keeps its order. Names starting with "." (the
 * cache folder, .DS_Store) are not looked at.
 */
record FolderListing(Path root, List<Entry> train, List<Entry> test, List<String> classNames, List<String> notes) {
    /** One image file: where it is, its path relative to the root with "/" separators, its size, its label (-1: none). */
    record Entry(Path path, String name, long size, int label) {
    }

    /** The extensions read: what this JDK's ImageIO reads (PNG, JPEG, BMP, GIF, WBMP, TIFF). */
    static final Set<String> IMAGE_SUFFIXES = Arrays.stream(ImageIO.getReaderFileSuffixes())
            .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
    private static final int MAX_CLASSES = 256;

    static FolderListing scan(Path root, double testFraction) {
        if (Files.isRegularFile(root)) {
            throw new DataException(root, "a file, not a folder; --dataset folder expects a folder of images");
        }
        if (!Files.isDirectory(root)) {
            throw new DataException(root, "data folder not found");
        }
        Path train = root.resolve("train"), test = root.resolve("test");
        Walk walk = new Walk(root);
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            List<Found> trainFound = walk.images(train), testFound = walk.images(test);
            walk.checkSome(trainFound.size() + testFound.size());
            List<String> classes = classNames(root, trainFound, testFound);
            return listing(root, walk, entries(trainFound, classes), entries(testFound, classes), classes);
        }
        List<Found> found = walk.images(root);
        walk.checkSome(found.size());
        List<String> classes = classNames(root, found);
        List<Entry> all = entries(found, classes);
        List<Entry> trainEntries = new ArrayList<>(), testEntries = new ArrayList<>();
        for (Entry entry : all) {
            (splitPoint(entry.name()) < testFraction ? testEntries : trainEntries).add(entry);
        }
        balance(root, all, trainEntries, testEntries);
        return listing(root, walk, trainEntries, testEntries, classes);
    }

    /** The number of image files listed, train and test. */
    int size() {
        return train.size() + test.size();
    }

    /** Where the hash of a relative path (Unicode NFC, so a folder copied from macOS splits alike) falls in [0, 1). */
    static double splitPoint(String name) {
        byte[] key = Normalizer.normalize(name, Normalizer.Form.NFC).getBytes(StandardCharsets.UTF_8);
        long bits = java.nio.ByteBuffer.wrap(ContentHash.sha256(key)).getLong();
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** A split the hash left empty gets the image whose hash came nearest to the other side. */
    private static void balance(Path root, List<Entry> all, List<Entry> train, List<Entry> test) {
        if (all.size() < 2) {
            throw new DataException(root, "1 image: a train and a test split need at least 2");
        }
        Comparator<Entry> byPoint = Comparator.comparingDouble(e -> splitPoint(e.name()));
        if (test.isEmpty()) {
            Entry moved = train.stream().min(byPoint).orElseThrow();
            train.remove(moved);
            test.add(moved);
        } else if (train.isEmpty()) {
            Entry moved = test.stream().max(byPoint).orElseThrow();
            test.remove(moved);
            train.add(moved);
        }
    }

    private static FolderListing listing(Path root, Walk walk, List<Entry> train, List<Entry> test,
                                         List<String> classes) {
        train.sort(ORDER);
        test.sort(ORDER);
        return new FolderListing(root, List.copyOf(train), List.copyOf(test), classes, List.copyOf(walk.notes));
    }

    private record Found(Path path, String name, String classFolder, long size) {
    }

    @SafeVarargs
    private static List<String> classNames(Path root, List<Found>... splits) {
        TreeSet<String> classes = new TreeSet<>();
        int topLevel = 0, inFolders = 0;
        for (List<Found> split : splits) {
            for (Found found : split) {
                if (found.classFolder() == null) {
                    topLevel++;
                } else {
                    inFolders++;
                    classes.add(found.classFolder());
                }
            }
        }
        if (topLevel > 0 && inFolders > 0) {
            throw new DataException(root, topLevel + " images at the top level and " + inFolders
                    + " in class folders (" + String.join(", ", classes.stream().limit(5).toList())
                    + (classes.size() > 5 ? ", ..." : "") + "): put every image in a class folder, or none");
        }
        if (classes.size() > MAX_CLASSES) {
            throw new DataException(root, classes.size() + " class folders: at most " + MAX_CLASSES + " are supported");
        }
        return List.copyOf(classes);
    }

    private static List<Entry> entries(List<Found> found, List<String> classes) {
        List<Entry> entries = new ArrayList<>(found.size());
        for (Found f : found) {
            entries.add(new Entry(f.path(), f.name(), f.size(), f.classFolder() == null ? -1
                    : classes.indexOf(f.classFolder())));
        }
        return entries;
    }

    static final Comparator<Entry> ORDER = Comparator.<Entry, String>comparing(e -> fileName(e.name()),
            FolderListing::compareNatural).thenComparing(Entry::name);

    private static String fileName(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /** Runs of digits compare by value ("2" before "10"), other characters one by one. */
    static int compareNatural(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            if (Character.isDigit(a.charAt(i)) && Character.isDigit(b.charAt(j))) {
                int endA = digitsEnd(a, i), endB = digitsEnd(b, j);
                String digitsA = stripZeros(a.substring(i, endA)), digitsB = stripZeros(b.substring(j, endB));
                int byValue = digitsA.length() != digitsB.length()
                        ? Integer.compare(digitsA.length(), digitsB.length()) : digitsA.compareTo(digitsB);
                if (byValue != 0) {
                    return byValue;
                }
                i = endA;
                j = endB;
            } else {
                if (a.charAt(i) != b.charAt(j)) {
                    return Character.compare(a.charAt(i), b.charAt(j));
                }
                i++;
                j++;
            }
        }
        int byLength = Integer.compare(a.length() - i, b.length() - j);
        return byLength != 0 ? byLength : a.compareTo(b);
    }

    private static int digitsEnd(String s, int from) {
        while (from < s.length() && Character.isDigit(s.charAt(from))) {
            from++;
        }
        return from;
    }

    private static String stripZeros(String digits) {
        int k = 0;
        while (k < digits.length() - 1 && digits.charAt(k) == '0') {
            k++;
        }
        return digits.substring(k);
    }

    /** One walk over the folder: the image files found, what else was there, and what could not be followed. */
    private static final class Walk {
        private final Path root;
        private final Map<String, Integer> otherFiles = new TreeMap<>();
        private final List<String> notes = new ArrayList<>();
        private int files;

        Walk(Path root) {
            this.root = root;
        }

        List<Found> images(Path splitRoot) {
            List<Found> found = new ArrayList<>();
            try {
                Files.walkFileTree(splitRoot, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                                return !dir.equals(splitRoot) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE
                                        : FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                                if (!hidden(file)) {
                                    visit(splitRoot, file, attrs, found);
                                }
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path file, IOException e) {
                                notes.add(e instanceof FileSystemLoopException
                                        ? "symbolic link loop at " + relative(file) + " skipped"
                                        : relative(file) + " skipped: " + e);
                                return FileVisitResult.CONTINUE;
                            }
                        });
            } catch (NoSuchFileException e) {
                throw new DataException(splitRoot, "data folder not found");
            } catch (IOException e) {
                throw new DataException(splitRoot, "cannot list: " + e, e);
            }
            return found;
        }

        private void visit(Path splitRoot, Path file, BasicFileAttributes attrs, List<Found> found) {
            files++;
            String name = file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String suffix = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
            if (attrs.isSymbolicLink()) {
                notes.add("broken symbolic link " + relative(file) + " skipped");
            } else if (!attrs.isRegularFile() || !IMAGE_SUFFIXES.contains(suffix)) {
                otherFiles.merge(suffix.isEmpty() ? "no extension" : "." + suffix, 1, Integer::sum);
            } else {
                Path inSplit = splitRoot.relativize(file);
                String classFolder = inSplit.getNameCount() > 1 ? inSplit.getName(0).toString() : null;
                found.add(new Found(file, relative(file), classFolder, attrs.size()));
            }
        }

        private String relative(Path file) {
            Path relative = root.relativize(file);
            return relative.getFileSystem().getSeparator().equals("/") ? relative.toString()
                    : relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
        }

        private static boolean hidden(Path path) {
            Path name = path.getFileName();
            return name != null && name.toString().startsWith(".");
        }

        /** The one-line error for a folder without a single image file: empty, or what it holds instead. */
        void checkSome(int images) {
            if (images > 0) {
                return;
            }
            if (files == 0) {
                throw new DataException(root, "empty folder: no files" + (notes.isEmpty() ? "" : " (" + notes.getFirst()
                        + ")") + "; expected images (" + suffixList() + "), in class subfolders or not");
            }
            throw new DataException(root, "no images: found " + files + " files (" + otherFiles.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))
                    + ") but none of " + suffixList());
        }

        private static String suffixList() {
            return IMAGE_SUFFIXES.stream().map(s -> "." + s).collect(Collectors.joining(" "));
        }
    }
}
