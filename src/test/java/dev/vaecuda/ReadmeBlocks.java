package dev.vaecuda;

import java.util.ArrayList;
import java.util.List;

/** The fenced code blocks of a Markdown file, for the tests that run or compile the README's. */
public final class ReadmeBlocks {
    private ReadmeBlocks() {
    }

    /** The lines between each ```LANGUAGE fence and the next ```, one string per block, in order. */
    public static List<String> of(List<String> markdown, String language) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : markdown) {
            if (block == null && line.equals("```" + language)) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }
}
