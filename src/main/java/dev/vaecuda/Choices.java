package dev.vaecuda;

import java.util.List;

/** The valid values of an option or field, as an error message lists them. */
public final class Choices {
    private Choices() {
    }

    /** "a", "a or b", "a, b or c". */
    public static String listed(List<String> names) {
        int last = names.size() - 1;
        return last < 1 ? String.join("", names) : String.join(", ", names.subList(0, last)) + " or " + names.get(last);
    }
}
