package dev.pixelflow.simd.mining;

/**
 * The options every batch triplet loss shares: margin (hard or soft), distance and L2 normalization. Each loss's builder
 * extends it with its own options; the default margin is the loss's own (see its class documentation).
 *
 * @param <B> the concrete builder, returned by every setter so calls chain
 */
public abstract class TripletLossBuilder<B extends TripletLossBuilder<B>> {
    double margin;
    Distance distance = Distance.EUCLIDEAN;
    boolean normalize;
    boolean softMargin;

    TripletLossBuilder(double defaultMargin) {
        this.margin = defaultMargin;
    }

    /** Hinge margin (finite, >= 0). */
    public B margin(double margin) {
        BatchTriplets.checkMargin(margin);
        this.margin = margin;
        return self();
    }

    /** Distance (default EUCLIDEAN). */
    public B distance(Distance distance) {
        if (distance == null) {
            throw new IllegalArgumentException("distance is null");
        }
        this.distance = distance;
        return self();
    }

    /** L2-normalize the embeddings first (default false). */
    public B normalize(boolean normalize) {
        this.normalize = normalize;
        return self();
    }

    /**
     * Use the soft margin {@code softplus(d_ap - d_an)} (Hermans et al.) instead of the hinge
     * {@code max(d_ap - d_an + margin, 0)}; the margin is then unused (default false).
     */
    public B softMargin(boolean softMargin) {
        this.softMargin = softMargin;
        return self();
    }

    /** The per-triplet loss of these options. */
    TripletHinge hinge() {
        return new TripletHinge(margin, softMargin);
    }

    abstract B self();
}
