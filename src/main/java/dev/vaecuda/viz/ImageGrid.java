package dev.vaecuda.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays images out in rows, as torchvision's {@code make_grid}: {@code padding} pixels around and
 * between them, rows left-aligned. The result is an 8-bit grey or RGB image, as the images'
 * channels, whose cells hold the images' pixels exactly ({@link TileRaster}). Optional captions go
 * in a strip under each cell.
 */
public final class ImageGrid {
    /** make_grid's nrow and padding. */
    public static final int PER_ROW = 8;
    public static final int PADDING = 2;
    /** make_grid pads with black; grey shows where one image ends on black-background digits. */
    private static final int PAD_GRAY = 128;
    private static final int CAPTION_HEIGHT = 12;
    private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 10);

    private final int padding;

    public ImageGrid(int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
        this.padding = padding;
    }

    /** {@code tiles} cut into rows of {@code perRow} images (the last row may be shorter). */
    public static List<Tiles> rowsOf(Tiles tiles, int perRow) {
        List<Tiles> rows = new ArrayList<>();
        for (int first = 0; first < tiles.count(); first += perRow) {
            rows.add(tiles.range(first, Math.min(perRow, tiles.count() - first)));
        }
        return rows;
    }

    /** One row of cells per entry; every image must have the channels and size of the first. */
    public BufferedImage render(List<Tiles> rows) {
        return render(rows, null);
    }

    /** As {@link #render(List)}, with a caption under each image, in reading order. */
    public BufferedImage render(List<Tiles> rows, List<String> captions) {
        Tiles first = rows.getFirst();
        int h = first.height(), w = first.width();
        int captionHeight = captions == null ? 0 : CAPTION_HEIGHT;
        int columns = rows.stream().mapToInt(Tiles::count).max().orElseThrow();
        BufferedImage image = TileRaster.filled(padding + columns * (w + padding),
                padding + rows.size() * (h + captionHeight + padding), first.channels(), PAD_GRAY);
        int index = 0;
        for (int r = 0; r < rows.size(); r++) {
            Tiles row = rows.get(r);
            first.requireShapeOf(row);
            int y0 = padding + r * (h + captionHeight + padding);
            for (int c = 0; c < row.count(); c++, index++) {
                int x0 = padding + c * (w + padding);
                TileRaster.draw(image, row, c, x0, y0);
                if (captions != null) {
                    drawCaption(image, captions.get(index), x0, y0 + h, w, captionHeight);
                }
            }
        }
        return image;
    }

    private static void drawCaption(BufferedImage image, String text, int x0, int y0, int width, int height) {
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.fillRect(x0, y0, width, height);
            g.setColor(Color.WHITE);
            g.setFont(CAPTION_FONT);
            g.setClip(x0, y0, width, height);
            FontMetrics metrics = g.getFontMetrics();
            int x = x0 + Math.max(0, (width - metrics.stringWidth(text)) / 2);
            g.drawString(text, x, y0 + height - metrics.getDescent());
        } finally {
            g.dispose();
        }
    }
}
