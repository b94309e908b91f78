package dev.pixelflow.simd.train;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.mining.MiningStatistics;
import dev.pixelflow.simd.mining.TripletLossResult;
import java.util.Map;

/** Embeddings {@code [N, D]} with one identity label per row, trained by an online-mining triplet loss. */
final class TripletObjective implements Objective<int[]> {
    /** The three batch losses share this shape of call. */
    interface BatchLoss {
        TripletLossResult forward(Tensor embeddings, int[] labels, Tensor grad);
    }

    private final BatchLoss loss;
    private Map<String, Double> metrics = Map.of();

    TripletObjective(BatchLoss loss) {
        this.loss = loss;
    }

    @Override
    public double lossAndGradient(Tensor output, int[] labels, Tensor grad) {
        if (output.rank() != 2) {
            throw new IllegalArgumentException("triplet losses need embeddings [N, D], got " + output.shapeString());
        }
        TripletLossResult r = loss.forward(output, labels, grad);
        MiningStatistics s = r.statistics();
        metrics = Map.of("activeTripletFraction", s.activeFraction(), "meanPositiveDistance",
                s.meanPositiveDistance(), "meanNegativeDistance", s.meanNegativeDistance(), "validAnchors",
                (double) s.validAnchors(), "collapsed", s.collapsed() ? 1.0 : 0.0);
        return r.loss();
    }

    @Override
    public Map<String, Double> metrics() {
        return metrics;
    }
}
