package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of a split's files and the hash that splits a folder without train/ and test/. */
class FolderListingTest {
    @Test
    void namesCompareWithTheirNumbersByValue() {
        List<String> names = new ArrayList<>(List.of("10.png", "img 10.png", "2.png", "b.png", "img 9.png", "007.png",
                "7.png", "a.png", "1.png"));
        names.sort(FolderListing::compareNatural);
        assertEquals(List.of("1.png", "2.png", "007.png", "7.png", "10.png", "a.png", "b.png", "img 9.png",
                "img 10.png"), names);
    }

    @Test
    void filesAreOrderedByNameThenByPathSoAnExportedSetKeepsItsIndexOrder() {
        List<FolderListing.Entry> entries = new ArrayList<>();
        for (String name : List.of("train/dog/1.png", "train/cat/10.png", "train/cat/0.png", "train/dog/2.png",
                "train/ant/2.png")) {
            entries.add(new FolderListing.Entry(null, name, 0, 0));
        }
        entries.sort(FolderListing.ORDER);
        assertEquals(List.of("train/cat/0.png", "train/dog/1.png", "train/ant/2.png", "train/dog/2.png",
                "train/cat/10.png"), entries.stream().map(FolderListing.Entry::name).toList());
    }

    @Test
    void theSplitHashIsFixedAndTheSameForComposedAndDecomposedAccents() {
        // fixed values: a change here moves images between train and test in every user's folder
        assertEquals(FolderListing.splitPoint("cats/été.png"), FolderListing.splitPoint("cats/e\u0301te\u0301.png"));
        // the first 53 bits of SHA-256("cats/1.png") as a fraction, as python3 -c "import hashlib, struct;
        // print((struct.unpack('>Q', hashlib.sha256(b'cats/1.png').digest()[:8])[0] >> 11) * 2**-53)" prints
        assertEquals(0.01190583212058871, FolderListing.splitPoint("cats/1.png"));
    }
}
