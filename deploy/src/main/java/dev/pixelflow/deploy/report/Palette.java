package dev.pixelflow.deploy.report;

import java.awt.Color;

/** The fixed qualitative palette of every plot: Tableau 10, used cyclically. */
public final class Palette {

    private static final Color[] TABLEAU_10 = {
            new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2),
            new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
            new Color(0x9C755F), new Color(0xBAB0AC)};

    private Palette() {
    }

    /** Number of distinct colours before {@link #color(int)} repeats. */
    public static int size() {
        return TABLEAU_10.length;
    }

    /** Colour {@code index mod size()} (negative indices wrap too). */
    public static Color color(int index) {
        return TABLEAU_10[Math.floorMod(index, TABLEAU_10.length)];
    }
}
