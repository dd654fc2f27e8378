package dev.vaecuda.data;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Random damage to a file's bytes, for the fuzz tests of the readers. */
public final class ByteMutations {
    private ByteMutations() {
    }

    /** One to three random damages: bit flips, header ints set to extremes, truncation, insertion, appended bytes. */
    public static byte[] mutate(byte[] content, SplittableRandom random) {
        int damages = 1 + random.nextInt(3);
        for (int d = 0; d < damages; d++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (content.length > 0) {
                        int i = random.nextInt(content.length);
                        content[i] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    // a header int (magic or a size) set to an extreme or random value
                    int slot = random.nextInt(4);
                    if (content.length >= 4 * (slot + 1)) {
                        int[] extremes = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 30, random.nextInt()};
                        ByteBuffer.wrap(content).putInt(4 * slot, extremes[random.nextInt(extremes.length)]);
                    }
                }
                case 2 -> content = Arrays.copyOf(content, random.nextInt(content.length + 1));
                case 3 -> {
                    int at = random.nextInt(content.length + 1);
                    byte[] grown = new byte[content.length + 1 + random.nextInt(16)];
                    System.arraycopy(content, 0, grown, 0, at);
                    for (int i = at; i < at + grown.length - content.length; i++) {
                        grown[i] = (byte) random.nextInt();
                    }
                    System.arraycopy(content, at, grown, at + grown.length - content.length, content.length - at);
                    content = grown;
                }
                default -> content = Arrays.copyOf(content, content.length + 1 + random.nextInt(64));
            }
        }
        return content;
    }
}
